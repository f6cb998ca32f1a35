/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdevtool.h"

#include "mdev-lock.h"
#include "mdevtool-cmds.h"
#include "mdevtool-output.h"
#include "mdevctl/mdevctl.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

/* Drives both dispatch and the "Commands:" block of --help. Keep it in the
 * order of the man page. */
static const MdevtoolCmd commands[] = {
    { "parents", mdevtool_cmd_parents, N_("List the devices that can host mdevs") },
    { "types", mdevtool_cmd_types, N_("List the mdev types of each parent") },
    { "list", mdevtool_cmd_list, N_("List active or defined mdevs") },
    { "monitor", mdevtool_cmd_monitor, N_("Print mdev events until interrupted") },
    { "create", mdevtool_cmd_create, N_("Create a transient mdev") },
    { "define", mdevtool_cmd_define, N_("Define a persistent mdev") },
    { "start", mdevtool_cmd_start, N_("Start a defined mdev") },
    { "stop", mdevtool_cmd_stop, N_("Remove an active mdev") },
    { "undefine", mdevtool_cmd_undefine, N_("Remove an mdev's definition") },
    { "modify", mdevtool_cmd_modify, N_("Change an mdev's definition") },
    { "autostart", mdevtool_cmd_autostart, N_("Turn an mdev's autostart on or off") },
    { "dumpxml", mdevtool_cmd_dumpxml, N_("Print libvirt node-device XML") },
    { "hostdev", mdevtool_cmd_hostdev, N_("Print a domain's <hostdev> element for an mdev") },
    { "attach", mdevtool_cmd_attach, N_("Give an mdev to a libvirt domain") },
    { "detach", mdevtool_cmd_detach, N_("Take an mdev back from a libvirt domain") },
    { "start-parent", mdevtool_cmd_start_parent, N_("Start a parent's autostart mdevs") },
    { "doctor", mdevtool_cmd_doctor, N_("Say why parents or types are missing or full") },
    { "gc", mdevtool_cmd_gc, N_("Remove active mdevs that nothing claims") },
    { NULL, NULL, NULL },
};

/* Run by libvirt, not by people: not listed in --help. */
static const MdevtoolCmd hidden_commands[] = {
    { "hook", mdevtool_cmd_hook, NULL },
    { NULL, NULL, NULL },
};

/* The commands that act on other hosts through libvirt when given -c. */
static const char *const fleet_commands[] = {
    "parents", "types",    "list",   "create",    "define",  "start",
    "stop",    "undefine", "modify", "autostart", "dumpxml", NULL,
};

/* The commands that ask one libvirt about its domains: -c names it. */
static const char *const domain_commands[] = { "gc", "attach", "detach", NULL };

static const MdevtoolCmd *
find_command(const char *name)
{
    for (const MdevtoolCmd *cmd = commands; cmd->name; cmd++) {
        if (strcmp(cmd->name, name) == 0)
            return cmd;
    }
    for (const MdevtoolCmd *cmd = hidden_commands; cmd->name; cmd++) {
        if (strcmp(cmd->name, name) == 0)
            return cmd;
    }
    return NULL;
}

static char *
commands_description(void)
{
    GString *text = g_string_new(_("Commands:"));

    for (const MdevtoolCmd *cmd = commands; cmd->name; cmd++)
        g_string_append_printf(text, "\n  %-12s %s", cmd->name, _(cmd->summary));
    g_string_append(text, "\n\n");
    g_string_append(text, _("Run \"mdevtool COMMAND --help\" for a command's options."));
    return g_string_free(text, FALSE);
}

/* Whether the global options ask for help, the one output that shows the
 * command list: building that list translates every summary, which cost
 * more than the rest of a start, so other runs skip it. The options end
 * at the command or at "--"; -c takes the next argument. */
static gboolean
asks_for_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (arg[0] != '-' || arg[1] == '\0' || strcmp(arg, "--") == 0)
            return FALSE;
        if (arg[1] == '-') {
            if (g_str_has_prefix(arg, "--help"))
                return TRUE;
            if (strcmp(arg, "--connect") == 0)
                i++;
            continue;
        }
        for (const char *c = arg + 1; *c; c++) {
            if (*c == 'h' || *c == '?')
                return TRUE;
            if (*c == 'c') {
                if (c[1] == '\0')
                    i++;
                break;
            }
        }
    }
    return FALSE;
}

/* Global options may also follow the command ("mdevtool list --json"):
 * they are taken out of the command's arguments, up to a "--", before the
 * command parses the rest. No command has an option of the same name with
 * another meaning (list's --verbose is the global one). */
static gboolean
take_global_options(int *argc, char **argv, MdevtoolCli *cli, GPtrArray *uris, int *ret_status)
{
    int out = 1;
    int i;

    for (i = 1; i < *argc; i++) {
        const char *arg = argv[i];
        const char *value = NULL;

        if (strcmp(arg, "--") == 0)
            break;
        if (strcmp(arg, "--json") == 0) {
            cli->json = TRUE;
            continue;
        }
        if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            cli->quiet = TRUE;
            continue;
        }
        if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
            cli->verbose = TRUE;
            continue;
        }
        if (strcmp(arg, "-c") == 0 || strcmp(arg, "--connect") == 0) {
            if (i + 1 >= *argc) {
                *ret_status = mdevtool_usage_error(argv[0], _("missing URI after '%s'"), arg);
                return FALSE;
            }
            value = argv[++i];
        } else if (g_str_has_prefix(arg, "--connect=")) {
            value = arg + strlen("--connect=");
        }
        if (value) {
            g_ptr_array_add(uris, g_strdup(value));
            continue;
        }
        argv[out++] = argv[i];
    }
    for (; i < *argc; i++)
        argv[out++] = argv[i];
    argv[out] = NULL;
    *argc = out;
    return TRUE;
}

/* A wait for another process's lock can last minutes: say early whom
 * for. */
static void
on_lock_wait(const char *parent, gint64 holder_pid, const char *holder_command, gpointer data)
{
    if (holder_pid > 0)
        mdevtool_note(_("waiting for the lock of parent '%1$s', held by process %2$ld (%3$s)"),
                      parent, (long) holder_pid, holder_command);
    else
        mdevtool_note(_("waiting for the lock of parent '%s', held by another process"), parent);
}

static int
run_native(int argc, char **argv)
{
    gboolean version = FALSE;
    g_auto(GStrv) leading_uris = NULL;
    g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func(g_free);
    MdevtoolCli cli = { 0 };
    const GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &cli.json,
          N_("Print JSON instead of text, errors too"), NULL },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &cli.quiet,
          N_("Print no notes, only results, warnings and errors"), NULL },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &cli.verbose,
          N_("Say what each change did; list shows more"), NULL },
        { "connect", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &leading_uris,
          N_("Act on the host at this libvirt URI (repeatable)"), N_("URI") },
        { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = g_option_context_new(N_("COMMAND [ARGS…]"));
    g_autoptr(GError) error = NULL;
    g_autofree char *description = asks_for_help(argc, argv) ? commands_description() : NULL;
    g_autoptr(MdevContext) ctx = NULL;
    const MdevtoolCmd *cmd;
    int status;

    g_option_context_set_translation_domain(octx, GETTEXT_PACKAGE);
    g_option_context_add_main_entries(octx, entries, GETTEXT_PACKAGE);
    g_option_context_set_summary(octx, _("Manage VFIO mediated devices."));
    g_option_context_set_description(octx, description);
    /* Stop at the command name: the rest belongs to the command. */
    g_option_context_set_strict_posix(octx, TRUE);

    /* a usage error in the global options is JSON already when --json is
     * among them */
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--json") == 0)
            mdevtool_output_set_mode(TRUE, FALSE);
    }
    if (!g_option_context_parse(octx, &argc, &argv, &error))
        return mdevtool_usage_error(NULL, "%s", error->message);
    mdevtool_output_set_mode(cli.json, cli.quiet);
    if (version) {
        printf("mdevtool %s\n", PACKAGE_VERSION);
        return MDEVTOOL_EXIT_OK;
    }
    if (argc < 2)
        return mdevtool_usage_error(NULL, _("no command given"));

    cmd = find_command(argv[1]);
    if (cmd == NULL)
        return mdevtool_usage_error(NULL, _("unknown command '%s'"), argv[1]);
    argc--;
    argv++;
    for (guint i = 0; leading_uris && leading_uris[i]; i++)
        g_ptr_array_add(uris, g_strdup(leading_uris[i]));
    if (!take_global_options(&argc, argv, &cli, uris, &status))
        return status;
    if (cli.quiet && cli.verbose)
        return mdevtool_usage_error(NULL, _("--quiet and --verbose exclude each other"));
    mdevtool_output_set_mode(cli.json, cli.quiet);
    if (uris->len > 1 && g_strv_contains(domain_commands, cmd->name))
        return mdevtool_usage_error(cmd->name, _("'%s' asks one libvirt: -c is accepted once"),
                                    cmd->name);
    if (uris->len > 0 && !g_strv_contains(fleet_commands, cmd->name) &&
        !g_strv_contains(domain_commands, cmd->name))
        return mdevtool_usage_error(cmd->name,
                                    _("'%s' acts on this host only: -c is not "
                                      "accepted"),
                                    cmd->name);
    g_ptr_array_add(uris, NULL);

    ctx = mdev_context_new();
    mdev_lock_set_wait_func(ctx, on_lock_wait, NULL);
    cli.uris = uris->len > 1 ? (char **) uris->pdata : NULL;
    cli.uri = cli.uris ? cli.uris[0] : NULL;
    cli.ctx = ctx;
    return cmd->run(&cli, argc, argv);
}

/* Whether the environment names a language for messages. The C locale,
 * whatever its character set ("C", "POSIX", "C.UTF-8"), names none: its
 * messages are the untranslated ones, and setting it would only cost the
 * category's file and a catalog search at every start. LANGUAGE, which
 * gettext may honour beside a C.UTF-8 locale, keeps the setting. */
static gboolean
messages_have_a_language(void)
{
    static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
    const char *language = g_getenv("LANGUAGE");
    const char *name = NULL;

    if (language && *language)
        return TRUE;
    for (guint i = 0; i < G_N_ELEMENTS(vars) && name == NULL; i++) {
        name = g_getenv(vars[i]);
        if (name && *name == '\0')
            name = NULL;
    }
    return name && strcmp(name, "C") != 0 && strcmp(name, "POSIX") != 0 &&
           !g_str_has_prefix(name, "C.");
}

/* Installed (or linked) as "mdevctl" or "lsmdev", the binary is the
 * mdevctl-compatible front end. It stays in the C locale: its messages are
 * mdevctl's, which libvirt shows and scripts match. */
static gboolean
invoked_as_mdevctl(const char *argv0)
{
    g_autofree char *name = g_path_get_basename(argv0 ? argv0 : "");

    return strcmp(name, "mdevctl") == 0 || g_str_has_suffix(name, "lsmdev");
}

int
main(int argc, char **argv)
{
    if (argc > 0 && invoked_as_mdevctl(argv[0]))
        return mdevctl_main(argc, argv);

    /* Only what the output depends on: the character set and the language.
     * Numbers stay in the C form scripts parse, and each category set costs
     * a file to open at every start. */
    setlocale(LC_CTYPE, "");
    if (messages_have_a_language())
        setlocale(LC_MESSAGES, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);

    return run_native(argc, argv);
}
