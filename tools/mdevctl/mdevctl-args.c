/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The command line of the mdevctl front end. mdevctl parses its arguments
 * with clap; scripts and libvirt depend on what clap accepts (--opt value,
 * --opt=value, -uVALUE, -u=VALUE, clustered flags), on its exit statuses (2
 * for every usage error, 0 for help and version) and on the first line of
 * its error messages, so this parser reproduces those. The accepted options
 * are the union of mdevctl 1.2.0's and current mdevctl's; only conflicts
 * that neither version accepts are rejected. */
#include "mdevctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIT(opt) (1u << (opt))

typedef enum {
    VALUE_NONE,
    VALUE_STRING,
    VALUE_UUID,
    VALUE_INDEX,
} ValueKind;

typedef struct {
    const char *long_name;
    char short_name;
    const char *value_name;
    ValueKind kind;
} OptDesc;

static const OptDesc opt_desc[MDEVCTL_OPT_LAST] = {
    [MDEVCTL_OPT_UUID] = { "uuid", 'u', "UUID", VALUE_UUID },
    [MDEVCTL_OPT_AUTO] = { "auto", 'a', NULL, VALUE_NONE },
    [MDEVCTL_OPT_PARENT] = { "parent", 'p', "PARENT", VALUE_STRING },
    [MDEVCTL_OPT_TYPE] = { "type", 't', "type", VALUE_STRING },
    [MDEVCTL_OPT_ADDATTR] = { "addattr", 0, "attr_name", VALUE_STRING },
    [MDEVCTL_OPT_DELATTR] = { "delattr", 0, NULL, VALUE_NONE },
    [MDEVCTL_OPT_INDEX] = { "index", 'i', "INDEX", VALUE_INDEX },
    [MDEVCTL_OPT_VALUE] = { "value", 0, "attr_value", VALUE_STRING },
    [MDEVCTL_OPT_MANUAL] = { "manual", 'm', NULL, VALUE_NONE },
    [MDEVCTL_OPT_LIVE] = { "live", 'l', NULL, VALUE_NONE },
    [MDEVCTL_OPT_DEFINED] = { "defined", 'd', NULL, VALUE_NONE },
    [MDEVCTL_OPT_DUMPJSON] = { "dumpjson", 0, NULL, VALUE_NONE },
    [MDEVCTL_OPT_VERBOSE] = { "verbose", 'v', NULL, VALUE_NONE },
    [MDEVCTL_OPT_JSONFILE] = { "jsonfile", 0, "JSONFILE", VALUE_STRING },
    [MDEVCTL_OPT_FORCE] = { "force", 'f', NULL, VALUE_NONE },
};

typedef struct {
    MdevctlOpt opt;
    const char *help;
} CmdOpt;

typedef struct {
    MdevctlOpt opt;
    guint32 others;
} Rule;

typedef struct {
    const char *name;
    const char *about;
    const char *details;
    const CmdOpt *options;
    guint32 required;       /* each of these must be given */
    guint32 one_of;         /* at least one of these must be given */
    const Rule *conflicts;  /* opt cannot be combined with any of others */
    const Rule *requires;   /* opt needs all of others */
    const char *positional; /* value name of a mandatory positional */
    gboolean hidden;
    gboolean has_version;
} Command;

#define END_OPTS               \
    {                          \
        MDEVCTL_OPT_LAST, NULL \
    }
#define END_RULES           \
    {                       \
        MDEVCTL_OPT_LAST, 0 \
    }

static const char force_help[] =
    "Go on even if a callout script vetoes the operation (use with care)";

static const CmdOpt define_opts[] = {
    { MDEVCTL_OPT_UUID, "UUID of the new definition (generated when omitted)" },
    { MDEVCTL_OPT_AUTO, "Start the device whenever its parent appears" },
    { MDEVCTL_OPT_PARENT, "Parent device the definition belongs to" },
    { MDEVCTL_OPT_TYPE, "mdev type of the device" },
    { MDEVCTL_OPT_JSONFILE, "Read type, start mode and attributes from a JSON file" },
    { MDEVCTL_OPT_FORCE, force_help },
    END_OPTS,
};
static const Rule define_conflicts[] = {
    { MDEVCTL_OPT_JSONFILE, BIT(MDEVCTL_OPT_TYPE) | BIT(MDEVCTL_OPT_AUTO) },
    END_RULES,
};

static const CmdOpt undefine_opts[] = {
    { MDEVCTL_OPT_UUID, "UUID of the definition to remove" },
    { MDEVCTL_OPT_PARENT, "Remove only the definition under this parent" },
    { MDEVCTL_OPT_FORCE, force_help },
    END_OPTS,
};

static const CmdOpt modify_opts[] = {
    { MDEVCTL_OPT_UUID, "UUID of the definition to change" },
    { MDEVCTL_OPT_PARENT, "Parent, when the UUID is defined under several" },
    { MDEVCTL_OPT_TYPE, "New mdev type" },
    { MDEVCTL_OPT_ADDATTR, "Insert an attribute with this name" },
    { MDEVCTL_OPT_DELATTR, "Remove an attribute (the last one unless --index)" },
    { MDEVCTL_OPT_INDEX, "Position of the attribute to insert or remove" },
    { MDEVCTL_OPT_VALUE, "Value of the attribute given with --addattr" },
    { MDEVCTL_OPT_AUTO, "Start the device automatically" },
    { MDEVCTL_OPT_MANUAL, "Start the device only on request" },
    { MDEVCTL_OPT_LIVE, "Apply the JSON file to the running device" },
    { MDEVCTL_OPT_DEFINED, "Change the stored definition (with --live: as well)" },
    { MDEVCTL_OPT_JSONFILE, "Replace type, start mode and attributes from a JSON file" },
    { MDEVCTL_OPT_FORCE, force_help },
    END_OPTS,
};
static const Rule modify_conflicts[] = {
    { MDEVCTL_OPT_AUTO, BIT(MDEVCTL_OPT_MANUAL) | BIT(MDEVCTL_OPT_JSONFILE) },
    { MDEVCTL_OPT_MANUAL, BIT(MDEVCTL_OPT_AUTO) | BIT(MDEVCTL_OPT_JSONFILE) },
    { MDEVCTL_OPT_ADDATTR, BIT(MDEVCTL_OPT_DELATTR) | BIT(MDEVCTL_OPT_JSONFILE) },
    { MDEVCTL_OPT_DELATTR, BIT(MDEVCTL_OPT_ADDATTR) | BIT(MDEVCTL_OPT_JSONFILE) },
    { MDEVCTL_OPT_LIVE, BIT(MDEVCTL_OPT_TYPE) | BIT(MDEVCTL_OPT_INDEX) | BIT(MDEVCTL_OPT_VALUE) },
    { MDEVCTL_OPT_JSONFILE, BIT(MDEVCTL_OPT_TYPE) | BIT(MDEVCTL_OPT_INDEX) |
                                BIT(MDEVCTL_OPT_VALUE) | BIT(MDEVCTL_OPT_AUTO) |
                                BIT(MDEVCTL_OPT_MANUAL) | BIT(MDEVCTL_OPT_ADDATTR) |
                                BIT(MDEVCTL_OPT_DELATTR) },
    END_RULES,
};
static const Rule modify_requires[] = {
    { MDEVCTL_OPT_ADDATTR, BIT(MDEVCTL_OPT_VALUE) },
    END_RULES,
};

static const CmdOpt start_opts[] = {
    { MDEVCTL_OPT_UUID, "UUID of the device (generated when omitted)" },
    { MDEVCTL_OPT_PARENT, "Parent device to create it on" },
    { MDEVCTL_OPT_TYPE, "mdev type, for a device that is not defined" },
    { MDEVCTL_OPT_JSONFILE, "Read type and attributes from a JSON file" },
    { MDEVCTL_OPT_FORCE, force_help },
    END_OPTS,
};
static const Rule start_conflicts[] = {
    { MDEVCTL_OPT_JSONFILE, BIT(MDEVCTL_OPT_TYPE) },
    END_RULES,
};

static const CmdOpt stop_opts[] = {
    { MDEVCTL_OPT_UUID, "UUID of the device to remove" },
    { MDEVCTL_OPT_FORCE, force_help },
    END_OPTS,
};

static const CmdOpt list_opts[] = {
    { MDEVCTL_OPT_DEFINED, "List the stored definitions instead of running devices" },
    { MDEVCTL_OPT_DUMPJSON, "Print JSON" },
    { MDEVCTL_OPT_VERBOSE, "Show the attributes as well" },
    { MDEVCTL_OPT_UUID, "Only the device with this UUID" },
    { MDEVCTL_OPT_PARENT, "Only devices of this parent" },
    END_OPTS,
};

static const CmdOpt types_opts[] = {
    { MDEVCTL_OPT_PARENT, "Only the types of this parent" },
    { MDEVCTL_OPT_DUMPJSON, "Print JSON" },
    END_OPTS,
};

static const CmdOpt no_opts[] = {
    END_OPTS,
};

static const Command commands[] = {
    { "define", "Define a persistent mediated device",
      "Stores a definition under the parent; running devices are not touched. For a\n"
      "device that is running, parent and type default to the running ones.",
      define_opts, 0, BIT(MDEVCTL_OPT_UUID) | BIT(MDEVCTL_OPT_PARENT), define_conflicts, NULL, NULL,
      FALSE, FALSE },
    { "undefine", "Undefine a persistent mediated device",
      "Removes the definitions of the UUID (under every parent unless --parent is\n"
      "given); running devices are not touched.",
      undefine_opts, BIT(MDEVCTL_OPT_UUID), 0, NULL, NULL, NULL, FALSE, FALSE },
    { "modify", "Modify the definition of a mediated device",
      "Changes the stored definition: type, start mode, or the ordered list of\n"
      "attributes written to the device when it starts. With --live the JSON file\n"
      "is applied to the running device through the callout scripts.",
      modify_opts, BIT(MDEVCTL_OPT_UUID), 0, modify_conflicts, modify_requires, NULL, FALSE,
      FALSE },
    { "start", "Start a mediated device",
      "Starts a defined device by UUID (and parent, when the UUID is defined under\n"
      "several), or a transient device from parent and type or a JSON file. A UUID\n"
      "generated for the new device is printed.",
      start_opts, 0, BIT(MDEVCTL_OPT_UUID) | BIT(MDEVCTL_OPT_PARENT), start_conflicts, NULL, NULL,
      FALSE, FALSE },
    { "stop", "Stop a mediated device", "Removes the running device; its definition stays.",
      stop_opts, BIT(MDEVCTL_OPT_UUID), 0, NULL, NULL, NULL, FALSE, FALSE },
    { "list", "List mediated devices",
      "Lists the running devices, or with --defined the stored definitions and\n"
      "whether they run. With --dumpjson and a --uuid matching one device, the\n"
      "output is that device's definition, usable as a --jsonfile.",
      list_opts, 0, 0, NULL, NULL, NULL, FALSE, TRUE },
    { "types", "List available mediated device types",
      "Lists every parent with the types it supports and their free instances.", types_opts, 0, 0,
      NULL, NULL, NULL, FALSE, FALSE },
    { "start-parent-mdevs", "Start the auto-start devices of a parent",
      "Used by the udev rule when a parent appears.", no_opts, 0, 0, NULL, NULL, "PARENT", TRUE,
      FALSE },
};

void
mdevctl_args_clear(MdevctlArgs *args)
{
    g_clear_pointer(&args->uuid, g_free);
    g_clear_pointer(&args->parent, g_free);
    g_clear_pointer(&args->type, g_free);
    g_clear_pointer(&args->jsonfile, g_free);
    g_clear_pointer(&args->addattr, g_free);
    g_clear_pointer(&args->value, g_free);
    g_clear_pointer(&args->positional, g_free);
    args->present = 0;
    args->index = 0;
    args->command = NULL;
}

/* ------------------------------------------------------------------ UUIDs */

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = g_ascii_tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static gboolean
parse_simple(const char *s, gsize len, guint8 *out)
{
    if (len != 32)
        return FALSE;
    for (gsize i = 0; i < 16; i++) {
        int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return FALSE;
        out[i] = (guint8) (hi << 4 | lo);
    }
    return TRUE;
}

static gboolean
parse_hyphenated(const char *s, gsize len, guint8 *out)
{
    char simple[33];
    gsize n = 0;

    if (len != 36)
        return FALSE;
    for (gsize i = 0; i < len; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return FALSE;
        } else {
            simple[n++] = s[i];
        }
    }
    simple[n] = '\0';
    return parse_simple(simple, n, out);
}

/* Describes why @text is not a UUID, in the words of the uuid crate that
 * mdevctl uses, so clap's "Invalid value" line reads the same. */
static char *
describe_invalid_uuid(const char *text)
{
    static const gsize block_starts[5] = { 0, 9, 14, 19, 24 };
    static const int block_len[5] = { 8, 4, 4, 4, 12 };
    const char *body = text;
    gsize offset = 0;
    gboolean simple = TRUE;
    gsize len = strlen(text);
    gsize hyphens = 0;
    gsize bounds[4] = { 0 };
    gsize body_len;

    if (len >= 2 && text[0] == '{' && text[len - 1] == '}') {
        body = text + 1;
        offset = 1;
        simple = FALSE;
        body_len = len - 2;
    } else if (g_str_has_prefix(text, "urn:uuid:")) {
        body = text + 9;
        offset = 9;
        simple = FALSE;
        body_len = len - 9;
    } else {
        body_len = len;
    }

    for (gsize i = 0; i < body_len;) {
        unsigned char c = (unsigned char) body[i];
        if (c >= 0x80) {
            gunichar uc = g_utf8_get_char_validated(body + i, (gssize) (body_len - i));
            char buf[8] = { 0 };
            if (uc == (gunichar) -1 || uc == (gunichar) -2)
                return g_strdup("failed to parse a UUID");
            g_unichar_to_utf8(uc, buf);
            return g_strdup_printf("invalid character: expected an optional prefix of "
                                   "`urn:uuid:` followed by [0-9a-zA-Z], found `%s` at %zu",
                                   buf, i + offset + 1);
        }
        if (c == '-') {
            if (hyphens < 4)
                bounds[hyphens] = i;
            hyphens++;
        } else if (!g_ascii_isxdigit(c)) {
            return g_strdup_printf("invalid character: expected an optional prefix of "
                                   "`urn:uuid:` followed by [0-9a-zA-Z], found `%c` at %zu",
                                   c, i + offset + 1);
        }
        i++;
    }
    if (hyphens == 0 && simple)
        return g_strdup_printf("invalid length: expected length 32 for simple format, "
                               "found %zu",
                               len);
    if (hyphens != 4)
        return g_strdup_printf("invalid group count: expected 5, found %zu", hyphens + 1);
    for (int i = 0; i < 4; i++) {
        if (bounds[i] != block_starts[i + 1] - 1)
            return g_strdup_printf("invalid group length in group %d: expected %d, found %zu", i,
                                   block_len[i], bounds[i] - block_starts[i]);
    }
    return g_strdup_printf("invalid group length in group 4: expected 12, found %zu",
                           len - block_starts[4]);
}

char *
mdevctl_uuid_parse(const char *text, char **ret_message)
{
    gsize len = strlen(text);
    guint8 bytes[16];
    gboolean ok = FALSE;

    if (len == 32)
        ok = parse_simple(text, len, bytes);
    else if (len == 36)
        ok = parse_hyphenated(text, len, bytes);
    else if (len == 38 && text[0] == '{' && text[37] == '}')
        ok = parse_hyphenated(text + 1, 36, bytes);
    else if (len == 45 && g_str_has_prefix(text, "urn:uuid:"))
        ok = parse_hyphenated(text + 9, 36, bytes);

    if (!ok) {
        if (ret_message)
            *ret_message = describe_invalid_uuid(text);
        return NULL;
    }
    return g_strdup_printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                           "%02x%02x%02x%02x%02x%02x",
                           bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6],
                           bytes[7], bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13],
                           bytes[14], bytes[15]);
}

/* Rust's u32 parser, with its messages. */
static gboolean
parse_index(const char *text, guint32 *ret, const char **ret_message)
{
    guint64 v = 0;
    const char *p = text;

    if (*p == '+')
        p++;
    if (*p == '\0') {
        *ret_message = *text == '\0' ? "cannot parse integer from empty string"
                                     : "invalid digit found in string";
        return FALSE;
    }
    for (; *p; p++) {
        if (!g_ascii_isdigit(*p)) {
            *ret_message = "invalid digit found in string";
            return FALSE;
        }
        v = v * 10 + (guint64) (*p - '0');
        if (v > G_MAXUINT32) {
            *ret_message = "number too large to fit in target type";
            return FALSE;
        }
    }
    *ret = (guint32) v;
    return TRUE;
}

/* ------------------------------------------------------------ help output */

static char *
prog_name(const Command *cmd, gboolean lsmdev)
{
    if (lsmdev)
        return g_strdup("lsmdev");
    if (cmd)
        return g_strdup_printf("mdevctl %s", cmd->name);
    return g_strdup("mdevctl");
}

static char *
opt_display(MdevctlOpt opt)
{
    const OptDesc *d = &opt_desc[opt];

    if (d->value_name)
        return g_strdup_printf("--%s <%s>", d->long_name, d->value_name);
    return g_strdup_printf("--%s", d->long_name);
}

static void
append_option_line(GString *out, char short_name, const char *long_part, const char *help)
{
    g_autofree char *left = NULL;

    if (short_name)
        left = g_strdup_printf("-%c, %s", short_name, long_part);
    else
        left = g_strdup_printf("    %s", long_part);
    g_string_append_printf(out, "    %-26s %s\n", left, help);
}

static char *
command_help(const Command *cmd, gboolean lsmdev)
{
    GString *out = g_string_new(NULL);
    g_autofree char *prog = lsmdev ? g_strdup("lsmdev") : g_strdup_printf("mdevctl %s", cmd->name);

    g_string_append_printf(out, "%s %s\n%s\n\n%s\n\n", lsmdev ? "lsmdev" : "mdevctl",
                           MDEVCTL_COMPAT_VERSION, cmd->about, cmd->details);
    g_string_append_printf(out, "USAGE:\n    %s %s\n\nOPTIONS:\n", prog,
                           cmd->positional ? "<PARENT>" : "[OPTIONS]");
    for (const CmdOpt *o = cmd->options; o->help; o++) {
        g_autofree char *display = opt_display(o->opt);
        append_option_line(out, opt_desc[o->opt].short_name, display, o->help);
    }
    append_option_line(out, 'h', "--help", "Print help information");
    if (cmd->has_version)
        append_option_line(out, 'V', "--version", "Print version information");
    return g_string_free(out, FALSE);
}

static char *
main_help(void)
{
    GString *out = g_string_new(NULL);

    g_string_append_printf(out,
                           "mdevctl %s\n"
                           "Manage persistent and transient VFIO mediated devices "
                           "(mdevtool's mdevctl-compatible interface)\n\n"
                           "USAGE:\n    mdevctl <SUBCOMMAND>\n\nOPTIONS:\n",
                           MDEVCTL_COMPAT_VERSION);
    append_option_line(out, 'h', "--help", "Print help information");
    append_option_line(out, 'V', "--version", "Print version information");
    g_string_append(out, "\nSUBCOMMANDS:\n");
    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (!commands[i].hidden)
            g_string_append_printf(out, "    %-12s%s\n", commands[i].name, commands[i].about);
    }
    g_string_append_printf(out, "    %-12s%s\n", "help", "Print this help or a command's help");
    return g_string_free(out, FALSE);
}

/* ------------------------------------------------------------ usage errors */

static int G_GNUC_PRINTF(3, 4)
    usage_error(const Command *cmd, gboolean lsmdev, const char *format, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;
    g_autofree char *prog = prog_name(cmd, lsmdev);

    va_start(ap, format);
    msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    fprintf(stderr, "error: %s\n\n", msg);
    if (cmd || lsmdev)
        fprintf(stderr, "USAGE:\n    %s [OPTIONS]\n\n", prog);
    else
        fprintf(stderr, "USAGE:\n    mdevctl <SUBCOMMAND>\n\n");
    fprintf(stderr, "For more information try --help\n");
    return MDEVCTL_EXIT_USAGE;
}

/* Invalid values are reported without a usage block, as clap does. */
static int
invalid_value(MdevctlOpt opt, const char *value, const char *why)
{
    g_autofree char *display = opt_display(opt);

    fprintf(stderr, "error: Invalid value \"%s\" for '%s': %s\n\nFor more information try --help\n",
            value, display, why);
    return MDEVCTL_EXIT_USAGE;
}

static int
missing_value(MdevctlOpt opt)
{
    g_autofree char *display = opt_display(opt);

    fprintf(stderr,
            "error: The argument '%s' requires a value but none was supplied\n\n"
            "For more information try --help\n",
            display);
    return MDEVCTL_EXIT_USAGE;
}

/* clap refuses an argument that is not UTF-8 when it reaches it, whatever
 * the argument is, before looking at what it means. */
static int
invalid_utf8(const Command *cmd, gboolean lsmdev)
{
    return usage_error(cmd, lsmdev, "Invalid UTF-8 was detected in one or more arguments");
}

static int
unexpected_argument(const Command *cmd, gboolean lsmdev, const char *arg)
{
    return usage_error(cmd, lsmdev,
                       "Found argument '%s' which wasn't expected, or isn't valid in this context",
                       arg);
}

/* ------------------------------------------------------------------ parser */

static const Command *
find_command(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    }
    return NULL;
}

static gboolean
command_has_opt(const Command *cmd, MdevctlOpt opt)
{
    for (const CmdOpt *o = cmd->options; o->help; o++) {
        if (o->opt == opt)
            return TRUE;
    }
    return FALSE;
}

typedef struct {
    const Command *cmd;
    gboolean lsmdev;
    MdevctlArgs *args;
    MdevctlOpt order[MDEVCTL_OPT_LAST];
    int n_order;
} Parser;

/* Stores one option. Returns -1 to go on, else an exit status. */
static int
store_option(Parser *p, MdevctlOpt opt, const char *value)
{
    MdevctlArgs *args = p->args;
    const OptDesc *d = &opt_desc[opt];
    g_autofree char *message = NULL;
    const char *index_message = NULL;

    if (mdevctl_args_has(args, opt)) {
        g_autofree char *display = opt_display(opt);
        return usage_error(p->cmd, p->lsmdev,
                           "The argument '%s' was provided more than once, but cannot be "
                           "used multiple times",
                           display);
    }
    switch (d->kind) {
    case VALUE_NONE:
        break;
    case VALUE_UUID:
        args->uuid = mdevctl_uuid_parse(value, &message);
        if (args->uuid == NULL)
            return invalid_value(opt, value, message);
        break;
    case VALUE_INDEX:
        if (!parse_index(value, &args->index, &index_message))
            return invalid_value(opt, value, index_message);
        break;
    case VALUE_STRING:
        switch (opt) {
        case MDEVCTL_OPT_PARENT:
            args->parent = g_strdup(value);
            break;
        case MDEVCTL_OPT_TYPE:
            args->type = g_strdup(value);
            break;
        case MDEVCTL_OPT_JSONFILE:
            args->jsonfile = g_strdup(value);
            break;
        case MDEVCTL_OPT_ADDATTR:
            args->addattr = g_strdup(value);
            break;
        case MDEVCTL_OPT_VALUE:
            args->value = g_strdup(value);
            break;
        default:
            g_assert_not_reached();
        }
        break;
    }
    args->present |= BIT(opt);
    p->order[p->n_order++] = opt;
    return -1;
}

static gboolean
lookup_long(const Command *cmd, const char *name, gsize len, MdevctlOpt *ret)
{
    for (int i = 0; i < MDEVCTL_OPT_LAST; i++) {
        if (strlen(opt_desc[i].long_name) == len &&
            strncmp(opt_desc[i].long_name, name, len) == 0 && command_has_opt(cmd, i)) {
            *ret = i;
            return TRUE;
        }
    }
    return FALSE;
}

static gboolean
lookup_short(const Command *cmd, char c, MdevctlOpt *ret)
{
    for (int i = 0; i < MDEVCTL_OPT_LAST; i++) {
        if (opt_desc[i].short_name == c && command_has_opt(cmd, i)) {
            *ret = i;
            return TRUE;
        }
    }
    return FALSE;
}

/* Whether the token after an option that needs a value can be that value:
 * clap never takes something that looks like an option. */
static gboolean
is_option_like(const char *s)
{
    return s[0] == '-' && s[1] != '\0';
}

static int
help_or_version(const Command *cmd, gboolean lsmdev, gboolean version)
{
    g_autofree char *text = NULL;

    if (version) {
        if (lsmdev)
            printf("lsmdev %s\n", MDEVCTL_COMPAT_VERSION);
        else
            printf("mdevctl-%s %s\n", cmd->name, MDEVCTL_COMPAT_VERSION);
        return MDEVCTL_EXIT_OK;
    }
    text = command_help(cmd, lsmdev);
    fputs(text, stdout);
    return MDEVCTL_EXIT_OK;
}

/* The value for an option at argv[*i]: the rest of the token, or the next
 * token. Returns NULL after printing a usage error into *ret_status. */
static const char *
take_value(Parser *p, MdevctlOpt opt, const char *inline_value, int argc, char **argv, int *i,
           int *ret_status)
{
    const char *next;
    MdevctlOpt other;

    if (inline_value)
        return inline_value;
    if (*i + 1 >= argc) {
        *ret_status = missing_value(opt);
        return NULL;
    }
    next = argv[*i + 1];
    if (!g_utf8_validate(next, -1, NULL)) {
        *ret_status = invalid_utf8(p->cmd, p->lsmdev);
        return NULL;
    }
    if (is_option_like(next)) {
        gboolean known = FALSE;
        if (g_str_has_prefix(next, "--")) {
            const char *eq = strchr(next + 2, '=');
            gsize len = eq ? (gsize) (eq - next - 2) : strlen(next + 2);
            known = len == 0 || strncmp(next + 2, "help", len) == 0 ||
                    lookup_long(p->cmd, next + 2, len, &other);
        } else {
            known = next[1] == 'h' || lookup_short(p->cmd, next[1], &other);
        }
        *ret_status = known ? missing_value(opt) : unexpected_argument(p->cmd, p->lsmdev, next);
        return NULL;
    }
    (*i)++;
    return next;
}

static int
parse_command_args(Parser *p, int argc, char **argv, int first)
{
    gboolean only_positional = FALSE;
    int status = -1;

    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];

        if (!g_utf8_validate(arg, -1, NULL))
            return invalid_utf8(p->cmd, p->lsmdev);
        if (!only_positional && strcmp(arg, "--") == 0) {
            only_positional = TRUE;
        } else if (!only_positional && g_str_has_prefix(arg, "--")) {
            const char *name = arg + 2;
            const char *eq = strchr(name, '=');
            gsize len = eq ? (gsize) (eq - name) : strlen(name);
            MdevctlOpt opt;
            const char *value = NULL;

            if (len == 4 && strncmp(name, "help", 4) == 0)
                return help_or_version(p->cmd, p->lsmdev, FALSE);
            if (len == 7 && strncmp(name, "version", 7) == 0 && p->cmd->has_version)
                return help_or_version(p->cmd, p->lsmdev, TRUE);
            if (!lookup_long(p->cmd, name, len, &opt))
                return unexpected_argument(p->cmd, p->lsmdev, arg);
            if (opt_desc[opt].value_name) {
                value = take_value(p, opt, eq ? eq + 1 : NULL, argc, argv, &i, &status);
                if (value == NULL)
                    return status;
            } else if (eq) {
                g_autofree char *display = opt_display(opt);
                return usage_error(p->cmd, p->lsmdev,
                                   "The argument '%s' takes no value but one was supplied",
                                   display);
            }
            status = store_option(p, opt, value);
            if (status >= 0)
                return status;
        } else if (!only_positional && is_option_like(arg)) {
            for (const char *c = arg + 1; *c; c++) {
                MdevctlOpt opt;

                if (*c == 'h')
                    return help_or_version(p->cmd, p->lsmdev, FALSE);
                if (*c == 'V' && p->cmd->has_version)
                    return help_or_version(p->cmd, p->lsmdev, TRUE);
                if (!lookup_short(p->cmd, *c, &opt)) {
                    g_autofree char *shown = g_strdup_printf("-%c", *c);
                    return unexpected_argument(p->cmd, p->lsmdev, shown);
                }
                if (opt_desc[opt].value_name) {
                    const char *rest = c + 1;
                    const char *value;
                    if (*rest == '=')
                        rest++;
                    value = take_value(p, opt, *rest ? rest : NULL, argc, argv, &i, &status);
                    if (value == NULL)
                        return status;
                    status = store_option(p, opt, value);
                    if (status >= 0)
                        return status;
                    break;
                }
                status = store_option(p, opt, NULL);
                if (status >= 0)
                    return status;
            }
        } else if (p->cmd->positional && p->args->positional == NULL) {
            p->args->positional = g_strdup(arg);
        } else {
            return unexpected_argument(p->cmd, p->lsmdev, arg);
        }
    }
    return -1;
}

static int
validate(Parser *p)
{
    const Command *cmd = p->cmd;
    guint32 present = p->args->present;
    guint32 missing = 0;
    GString *list;
    int status;

    /* Conflicts first, reported for the earliest given option that has one. */
    for (int k = 0; k < p->n_order && cmd->conflicts; k++) {
        MdevctlOpt opt = p->order[k];
        guint32 clash = 0;

        for (const Rule *r = cmd->conflicts; r->opt != MDEVCTL_OPT_LAST; r++) {
            if (r->opt == opt)
                clash |= r->others & present;
            else if ((r->others & BIT(opt)) && (present & BIT(r->opt)))
                clash |= BIT(r->opt);
        }
        if (clash) {
            g_autofree char *display = opt_display(opt);
            if ((clash & (clash - 1)) == 0) {
                g_autofree char *other = opt_display(g_bit_nth_lsf(clash, -1));
                return usage_error(cmd, p->lsmdev, "The argument '%s' cannot be used with '%s'",
                                   display, other);
            }
            list = g_string_new(NULL);
            for (int o = 0; o < MDEVCTL_OPT_LAST; o++) {
                if (clash & BIT(o)) {
                    g_autofree char *other = opt_display(o);
                    g_string_append_printf(list, "\n    %s", other);
                }
            }
            status = usage_error(cmd, p->lsmdev, "The argument '%s' cannot be used with:%s",
                                 display, list->str);
            g_string_free(list, TRUE);
            return status;
        }
    }

    missing = cmd->required & ~present;
    if (cmd->one_of && (cmd->one_of & present) == 0)
        missing |= cmd->one_of;
    if (cmd->requires) {
        for (const Rule *r = cmd->requires; r->opt != MDEVCTL_OPT_LAST; r++) {
            if (present & BIT(r->opt))
                missing |= r->others & ~present;
        }
    }
    if (missing || (cmd->positional && p->args->positional == NULL)) {
        list = g_string_new(NULL);
        /* mdevctl names the UUID before the parent */
        for (int o = 0; o < MDEVCTL_OPT_LAST; o++) {
            if (missing & BIT(o)) {
                g_autofree char *display = opt_display(o);
                g_string_append_printf(list, "\n    %s", display);
            }
        }
        if (cmd->positional && p->args->positional == NULL)
            g_string_append_printf(list, "\n    <%s>", cmd->positional);
        status = usage_error(cmd, p->lsmdev,
                             "The following required arguments were not provided:%s", list->str);
        g_string_free(list, TRUE);
        return status;
    }
    return -1;
}

int
mdevctl_args_parse(int argc, char **argv, MdevctlArgs *ret_args)
{
    const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
    const char *name = argc > 0 ? (base ? base + 1 : argv[0]) : "mdevctl";
    Parser p = { 0 };
    int status;
    int first;

    p.args = ret_args;
    p.lsmdev = g_str_has_suffix(name, "lsmdev");
    if (p.lsmdev) {
        p.cmd = find_command("list");
        first = 1;
    } else {
        const char *word = argc > 1 ? argv[1] : NULL;

        if (word && !g_utf8_validate(word, -1, NULL))
            return invalid_utf8(NULL, FALSE);
        if (word == NULL) {
            g_autofree char *help = main_help();
            fputs(help, stderr);
            return MDEVCTL_EXIT_USAGE;
        }
        if (strcmp(word, "-h") == 0 || strcmp(word, "--help") == 0 ||
            (strcmp(word, "help") == 0 && argc == 2)) {
            g_autofree char *help = main_help();
            fputs(help, stdout);
            return MDEVCTL_EXIT_OK;
        }
        if (strcmp(word, "-V") == 0 || strcmp(word, "--version") == 0) {
            printf("mdevctl %s\n", MDEVCTL_COMPAT_VERSION);
            return MDEVCTL_EXIT_OK;
        }
        if (strcmp(word, "help") == 0) {
            const Command *cmd = find_command(argv[2]);
            if (!g_utf8_validate(argv[2], -1, NULL))
                return invalid_utf8(NULL, FALSE);
            if (cmd == NULL)
                return usage_error(NULL, FALSE, "The subcommand '%s' wasn't recognized", argv[2]);
            return help_or_version(cmd, FALSE, FALSE);
        }
        p.cmd = find_command(word);
        if (p.cmd == NULL)
            return unexpected_argument(NULL, FALSE, word);
        first = 2;
    }
    ret_args->command = p.cmd->name;

    status = parse_command_args(&p, argc, argv, first);
    if (status >= 0)
        return status;
    return validate(&p);
}
