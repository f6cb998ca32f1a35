/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-virt.h"

#include "mdev-dlopen.h"
#include "mdev-error.h"

#include <glib/gi18n-lib.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdlib.h>
#include <string.h>

MDEV_DLOPEN_DECLARE(virInitialize);
MDEV_DLOPEN_DECLARE(virSetErrorFunc);
MDEV_DLOPEN_DECLARE(virGetLastErrorMessage);
MDEV_DLOPEN_DECLARE(virConnectOpen);
MDEV_DLOPEN_DECLARE(virConnectClose);
MDEV_DLOPEN_DECLARE(virGetLastErrorCode);
MDEV_DLOPEN_DECLARE(virConnectListAllDomains);
MDEV_DLOPEN_DECLARE(virDomainLookupByName);
MDEV_DLOPEN_DECLARE(virDomainLookupByUUIDString);
MDEV_DLOPEN_DECLARE(virDomainGetName);
MDEV_DLOPEN_DECLARE(virDomainGetXMLDesc);
MDEV_DLOPEN_DECLARE(virDomainIsActive);
MDEV_DLOPEN_DECLARE(virDomainIsPersistent);
MDEV_DLOPEN_DECLARE(virDomainAttachDeviceFlags);
MDEV_DLOPEN_DECLARE(virDomainDetachDeviceFlags);
MDEV_DLOPEN_DECLARE(virDomainSetMetadata);
MDEV_DLOPEN_DECLARE(virDomainFree);
MDEV_DLOPEN_DECLARE(virConnectSetKeepAlive);
MDEV_DLOPEN_DECLARE(virEventRegisterDefaultImpl);
MDEV_DLOPEN_DECLARE(virEventRunDefaultImpl);
MDEV_DLOPEN_DECLARE(virEventAddTimeout);
MDEV_DLOPEN_DECLARE(virEventRemoveTimeout);

static const MdevDlopenSymbol virt_symbols[] = {
    MDEV_DLOPEN_SYMBOL(virInitialize),
    MDEV_DLOPEN_SYMBOL(virSetErrorFunc),
    MDEV_DLOPEN_SYMBOL(virGetLastErrorMessage),
    MDEV_DLOPEN_SYMBOL(virConnectOpen),
    MDEV_DLOPEN_SYMBOL(virConnectClose),
    MDEV_DLOPEN_SYMBOL(virGetLastErrorCode),
    MDEV_DLOPEN_SYMBOL(virConnectListAllDomains),
    MDEV_DLOPEN_SYMBOL(virDomainLookupByName),
    MDEV_DLOPEN_SYMBOL(virDomainLookupByUUIDString),
    MDEV_DLOPEN_SYMBOL(virDomainGetName),
    MDEV_DLOPEN_SYMBOL(virDomainGetXMLDesc),
    MDEV_DLOPEN_SYMBOL(virDomainIsActive),
    MDEV_DLOPEN_SYMBOL(virDomainIsPersistent),
    MDEV_DLOPEN_SYMBOL(virDomainAttachDeviceFlags),
    MDEV_DLOPEN_SYMBOL(virDomainDetachDeviceFlags),
    MDEV_DLOPEN_SYMBOL(virDomainSetMetadata),
    MDEV_DLOPEN_SYMBOL(virDomainFree),
    MDEV_DLOPEN_SYMBOL(virConnectSetKeepAlive),
    MDEV_DLOPEN_SYMBOL(virEventRegisterDefaultImpl),
    MDEV_DLOPEN_SYMBOL(virEventRunDefaultImpl),
    MDEV_DLOPEN_SYMBOL(virEventAddTimeout),
    MDEV_DLOPEN_SYMBOL(virEventRemoveTimeout),
};
static MdevDlopenLibrary virt_library = MDEV_DLOPEN_LIBRARY("libvirt.so.0", virt_symbols);

struct _MdevVirtConnection {
    char *uri;
    virConnectPtr conn;
};

struct _MdevVirtDomain {
    MdevVirtConnection *connection;
    virDomainPtr dom;
    char *name;
};
/* The thread that runs libvirt's event loop: keepalive needs it to notice
 * a host that stops answering, and it answers the daemons' own keepalive
 * requests. It runs from the first connection until mdev_virt_shutdown(). */
static GThread *event_thread;
static gint event_quit;

static gpointer
run_events(gpointer data G_GNUC_UNUSED)
{
    while (!g_atomic_int_get(&event_quit)) {
        if (sym_virEventRunDefaultImpl() < 0)
            break;
    }
    return NULL;
}

static void
wake_events(int timer, void *data G_GNUC_UNUSED)
{
    sym_virEventRemoveTimeout(timer);
}

/* libvirt's default handler prints every error on stderr; the library
 * never prints, errors reach the caller as GErrors instead. */
static void
ignore_error(void *user_data G_GNUC_UNUSED, virErrorPtr error G_GNUC_UNUSED)
{
}

/**
 * mdev_virt_load:
 * @error: return location for a #GError
 *
 * Loads libvirt and prepares it for use from several threads. Every other
 * function of this module calls it; modules that call libvirt themselves
 * call it before their first call.
 *
 * Returns: %TRUE when libvirt is usable
 */
gboolean
mdev_virt_load(GError **error)
{
    static gsize initialized;
    static gboolean usable;

    if (!mdev_dlopen_load(&virt_library, error))
        return FALSE;
    /* virInitialize() must run once before threads call into libvirt */
    if (g_once_init_enter(&initialized)) {
        usable = sym_virInitialize() == 0 && sym_virEventRegisterDefaultImpl() == 0;
        if (usable) {
            sym_virSetErrorFunc(NULL, ignore_error);
            event_thread = g_thread_new("mdev-virt-events", run_events, NULL);
        }
        g_once_init_leave(&initialized, 1);
    }
    if (!usable) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_FAILED, _("cannot initialize libvirt"));
        return FALSE;
    }
    return TRUE;
}

/**
 * mdev_virt_shutdown:
 *
 * Stops the thread that runs libvirt's event loop, once every connection
 * is closed. Nothing of this module may be called afterwards. Does nothing
 * when libvirt was never loaded.
 */
void
mdev_virt_shutdown(void)
{
    if (event_thread == NULL)
        return;
    g_atomic_int_set(&event_quit, 1);
    /* a timer due at once ends the loop's current wait */
    sym_virEventAddTimeout(0, wake_events, NULL, NULL);
    g_thread_join(g_steal_pointer(&event_thread));
}

/**
 * mdev_virt_check_uri:
 * @uri: a libvirt connection URI
 * @error: return location for a #GError
 *
 * Refuses, without connecting, what cannot be a libvirt URI: libvirt would
 * otherwise take some malformed strings for a driver name and try them.
 *
 * Returns: %TRUE when @uri is an absolute URI with a scheme
 */
gboolean
mdev_virt_check_uri(const char *uri, GError **error)
{
    g_autoptr(GUri) parsed = NULL;
    g_autoptr(GError) local = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (uri == NULL || *uri == '\0') {
        g_set_error_literal(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                            _("empty connection URI"));
        return FALSE;
    }
    parsed = g_uri_parse(uri, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_ENCODED, &local);
    if (parsed == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("malformed connection URI '%1$s': %2$s"), uri, local->message);
        return FALSE;
    }
    /* "host:22" parses as scheme "host" with path "22": libvirt URIs
     * always have an authority or an absolute path */
    if (g_uri_get_host(parsed) == NULL && !g_str_has_prefix(g_uri_get_path(parsed), "/")) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_ARGUMENT,
                    _("malformed connection URI '%s': expected DRIVER[+TRANSPORT]://[HOST]/PATH"),
                    uri);
        return FALSE;
    }
    return TRUE;
}

/**
 * mdev_virt_connection_set_error:
 * @connection: (nullable): the connection the failed call used
 * @error: return location for a #GError
 * @what: what failed, used when libvirt gives no message
 *
 * Turns the calling thread's last libvirt error into @error, naming the
 * connection's URI.
 */
void
mdev_virt_connection_set_error(const MdevVirtConnection *connection, GError **error,
                               const char *what)
{
    const char *message = sym_virGetLastErrorMessage ? sym_virGetLastErrorMessage() : NULL;
    int code = MDEV_ERROR_FAILED;

    /* callers branch on a domain that does not exist */
    if (sym_virGetLastErrorCode && sym_virGetLastErrorCode() == VIR_ERR_NO_DOMAIN)
        code = MDEV_ERROR_NOT_FOUND;
    /* libvirt answers "no error" when a call failed without setting one */
    if (message == NULL || *message == '\0' || strcmp(message, "no error") == 0)
        message = what;
    if (connection)
        g_set_error(error, MDEV_ERROR, code, "%s: %s", connection->uri, message);
    else
        g_set_error_literal(error, MDEV_ERROR, code, message);
}

/* The connections of one mdev_virt_open_hosts() call. Threads that have
 * not answered when the caller stops waiting keep the batch alive; the
 * last reference closes whatever the caller did not take. */
typedef struct {
    char *uri;
    virConnectPtr conn;
    char *failure;
    gboolean done;
    GThread *thread;
} Attempt;

typedef struct {
    gint refs;
    guint timeout_ms;
    GMutex lock;
    GCond answered_cond;
    guint answered;
    Attempt *attempts;
    guint n_attempts;
} Batch;

typedef struct {
    Batch *batch;
    guint index;
} Job;

static void
batch_unref(Batch *batch)
{
    if (!g_atomic_int_dec_and_test(&batch->refs))
        return;
    for (guint i = 0; i < batch->n_attempts; i++) {
        if (batch->attempts[i].conn)
            sym_virConnectClose(batch->attempts[i].conn);
        g_free(batch->attempts[i].uri);
        g_free(batch->attempts[i].failure);
    }
    g_free(batch->attempts);
    g_mutex_clear(&batch->lock);
    g_cond_clear(&batch->answered_cond);
    g_free(batch);
}

static gpointer
open_thread(gpointer data)
{
    Job *job = data;
    Batch *batch = job->batch;
    Attempt *attempt = &batch->attempts[job->index];
    virConnectPtr conn;
    char *failure = NULL;

    conn = sym_virConnectOpen(attempt->uri);
    /* A host that stops answering once connected fails the call waiting
     * for it after about the connection timeout, instead of blocking it for
     * good: libvirt closes a connection whose keepalive requests go
     * unanswered for interval * (count + 1) seconds. A daemon without
     * keepalive support (1) is left as it is. */
    if (conn &&
        sym_virConnectSetKeepAlive(conn, MAX(1, (int) (batch->timeout_ms / 1000) / 3), 2) < 0)
        g_debug("%s: no keepalive: %s", attempt->uri, sym_virGetLastErrorMessage());
    if (conn == NULL) {
        const char *message = sym_virGetLastErrorMessage();
        failure =
            g_strdup(message && *message && strcmp(message, "no error") != 0 ? message
                                                                             : _("cannot connect"));
    }
    g_mutex_lock(&batch->lock);
    attempt->conn = conn;
    attempt->failure = failure;
    attempt->done = TRUE;
    batch->answered++;
    g_cond_signal(&batch->answered_cond);
    g_mutex_unlock(&batch->lock);
    batch_unref(batch);
    g_free(job);
    return NULL;
}

/**
 * mdev_virt_open_hosts:
 * @uris: %NULL-terminated connection URIs
 * @timeout_ms: how long to wait for all of them together; 0 for the default
 * @progress: (nullable): called while waiting, each time a host answers
 * @user_data: for @progress
 *
 * Opens a connection to every URI at once, one thread each, and waits at
 * most @timeout_ms: an unreachable host costs the timeout, not the
 * transport's own (ssh's or TCP's) minutes. Authentication is not
 * interactive: ssh keys, Kerberos or TLS certificates must suffice.
 *
 * Returns: (transfer full) (element-type MdevVirtHost): one entry per URI,
 *   in the given order, with either a connection or an error naming the URI
 */
GPtrArray *
mdev_virt_open_hosts(const char *const *uris, guint timeout_ms, MdevVirtProgressFunc progress,
                     gpointer user_data)
{
    g_autoptr(GPtrArray) hosts =
        g_ptr_array_new_with_free_func((GDestroyNotify) mdev_virt_host_free);
    g_autoptr(GError) load_error = NULL;
    gboolean loaded = FALSE;
    gboolean tried = FALSE;
    Batch *batch;
    guint n = uris ? g_strv_length((char **) uris) : 0;
    guint started = 0;
    g_autofree gboolean *answered = NULL;
    gint64 deadline;
    /* a first line at once: nobody has answered yet */
    guint reported = G_MAXUINT;

    if (timeout_ms == 0)
        timeout_ms = MDEV_VIRT_DEFAULT_TIMEOUT_MS;

    batch = g_new0(Batch, 1);
    batch->refs = 1;
    batch->timeout_ms = timeout_ms;
    g_mutex_init(&batch->lock);
    g_cond_init(&batch->answered_cond);
    batch->attempts = g_new0(Attempt, n);
    batch->n_attempts = n;

    for (guint i = 0; i < n; i++) {
        MdevVirtHost *host = g_new0(MdevVirtHost, 1);
        Attempt *attempt = &batch->attempts[i];

        host->uri = g_strdup(uris[i]);
        g_ptr_array_add(hosts, host);
        attempt->uri = g_strdup(uris[i]);
        /* a malformed URI is refused before libvirt is even loaded */
        if (mdev_virt_check_uri(uris[i], &host->error) && !tried) {
            loaded = mdev_virt_load(&load_error);
            tried = TRUE;
        }
        if (host->error == NULL && !loaded)
            host->error = g_error_copy(load_error);
        if (host->error) {
            attempt->done = TRUE;
            batch->answered++;
            continue;
        }
        {
            Job *job = g_new0(Job, 1);

            job->batch = batch;
            job->index = i;
            g_atomic_int_inc(&batch->refs);
            attempt->thread = g_thread_new("mdev-connect", open_thread, job);
            started++;
        }
    }

    deadline = g_get_monotonic_time() + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
    g_mutex_lock(&batch->lock);
    while (batch->answered < n) {
        if (progress && batch->answered != reported) {
            reported = batch->answered;
            g_mutex_unlock(&batch->lock);
            progress(reported, n, user_data);
            g_mutex_lock(&batch->lock);
            continue;
        }
        if (!g_cond_wait_until(&batch->answered_cond, &batch->lock, deadline))
            break;
    }
    answered = g_new0(gboolean, MAX(n, 1));
    for (guint i = 0; i < n; i++) {
        Attempt *attempt = &batch->attempts[i];
        MdevVirtHost *host = g_ptr_array_index(hosts, i);

        answered[i] = attempt->done;
        if (host->error)
            continue;
        if (!attempt->done) {
            g_set_error(&host->error, MDEV_ERROR, MDEV_ERROR_FAILED,
                        g_dngettext(GETTEXT_PACKAGE, "%1$s: no answer within %2$u second",
                                    "%1$s: no answer within %2$u seconds",
                                    (timeout_ms + 999) / 1000),
                        attempt->uri, (timeout_ms + 999) / 1000);
        } else if (attempt->conn == NULL) {
            g_set_error(&host->error, MDEV_ERROR, MDEV_ERROR_FAILED, "%s: %s", attempt->uri,
                        attempt->failure);
        } else {
            host->connection = g_new0(MdevVirtConnection, 1);
            host->connection->uri = g_strdup(attempt->uri);
            host->connection->conn = g_steal_pointer(&attempt->conn);
        }
    }
    g_mutex_unlock(&batch->lock);
    /* The threads that answered have done their work and are joined; one
     * still inside virConnectOpen() cannot be interrupted and is left to
     * end with the process (it holds the batch, never the caller's data). */
    for (guint i = 0; i < n; i++) {
        Attempt *attempt = &batch->attempts[i];

        if (attempt->thread == NULL)
            continue;
        if (answered[i])
            g_thread_join(attempt->thread);
        else
            g_thread_unref(attempt->thread);
        attempt->thread = NULL;
    }
    if (progress && started > 0)
        progress(n, n, user_data);
    batch_unref(batch);
    return g_steal_pointer(&hosts);
}

/**
 * mdev_virt_connection_open:
 * @uri: a libvirt connection URI
 * @timeout_ms: how long to wait; 0 for the default
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the connection, or %NULL with @error naming
 *   the URI and libvirt's message
 */
MdevVirtConnection *
mdev_virt_connection_open(const char *uri, guint timeout_ms, GError **error)
{
    const char *uris[] = { uri, NULL };
    g_autoptr(GPtrArray) hosts = NULL;
    MdevVirtHost *host;

    g_return_val_if_fail(uri != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    hosts = mdev_virt_open_hosts(uris, timeout_ms, NULL, NULL);
    host = g_ptr_array_index(hosts, 0);
    if (host->connection == NULL) {
        g_propagate_error(error, g_steal_pointer(&host->error));
        return NULL;
    }
    return g_steal_pointer(&host->connection);
}

void
mdev_virt_connection_free(MdevVirtConnection *connection)
{
    if (connection == NULL)
        return;
    if (connection->conn)
        sym_virConnectClose(connection->conn);
    g_free(connection->uri);
    g_free(connection);
}

/**
 * mdev_virt_connection_get_uri:
 * @connection: a connection
 *
 * Returns: (transfer none): the URI as the caller gave it
 */
const char *
mdev_virt_connection_get_uri(const MdevVirtConnection *connection)
{
    return connection->uri;
}

/**
 * mdev_virt_connection_get_handle:
 * @connection: a connection
 *
 * Returns: (transfer none): the virConnectPtr, for modules that call
 *   libvirt themselves (after mdev_virt_load())
 */
gpointer
mdev_virt_connection_get_handle(const MdevVirtConnection *connection)
{
    return connection->conn;
}

void
mdev_virt_host_free(MdevVirtHost *host)
{
    if (host == NULL)
        return;
    g_free(host->uri);
    mdev_virt_connection_free(host->connection);
    g_clear_error(&host->error);
    g_free(host);
}

static MdevVirtDomain *
domain_new(MdevVirtConnection *connection, virDomainPtr dom)
{
    MdevVirtDomain *domain = g_new0(MdevVirtDomain, 1);
    const char *name = sym_virDomainGetName(dom);

    domain->connection = connection;
    domain->dom = dom;
    domain->name = g_strdup(name ? name : "");
    return domain;
}

/**
 * mdev_virt_domain_lookup:
 * @connection: a connection
 * @name: a domain's name or UUID
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the domain, or %NULL with @error
 *   (%MDEV_ERROR_NOT_FOUND when there is no such domain)
 */
MdevVirtDomain *
mdev_virt_domain_lookup(MdevVirtConnection *connection, const char *name, GError **error)
{
    virDomainPtr dom;

    g_return_val_if_fail(connection != NULL, NULL);
    g_return_val_if_fail(name != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    dom = sym_virDomainLookupByName(connection->conn, name);
    /* a name that is also a UUID is taken as a name first, as virsh does */
    if (dom == NULL && sym_virGetLastErrorCode() == VIR_ERR_NO_DOMAIN && g_uuid_string_is_valid(name))
        dom = sym_virDomainLookupByUUIDString(connection->conn, name);
    if (dom == NULL) {
        if (sym_virGetLastErrorCode() == VIR_ERR_NO_DOMAIN)
            g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND, _("%1$s: no domain '%2$s'"),
                        connection->uri, name);
        else
            mdev_virt_connection_set_error(connection, error, _("cannot look up the domain"));
        return NULL;
    }
    return domain_new(connection, dom);
}

/**
 * mdev_virt_list_domains:
 * @connection: a connection
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type MdevVirtDomain): every domain,
 *   persistent or running, or %NULL
 */
GPtrArray *
mdev_virt_list_domains(MdevVirtConnection *connection, GError **error)
{
    g_autoptr(GPtrArray) domains =
        g_ptr_array_new_with_free_func((GDestroyNotify) mdev_virt_domain_free);
    virDomainPtr *doms = NULL;
    int n;

    g_return_val_if_fail(connection != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    n = sym_virConnectListAllDomains(connection->conn, &doms, 0);
    if (n < 0) {
        mdev_virt_connection_set_error(connection, error, _("cannot list the domains"));
        return NULL;
    }
    for (int i = 0; i < n; i++)
        g_ptr_array_add(domains, domain_new(connection, doms[i]));
    /* libvirt allocates the array with malloc */
    free(doms);
    return g_steal_pointer(&domains);
}

void
mdev_virt_domain_free(MdevVirtDomain *domain)
{
    if (domain == NULL)
        return;
    if (domain->dom)
        sym_virDomainFree(domain->dom);
    g_free(domain->name);
    g_free(domain);
}

/**
 * mdev_virt_domain_get_name:
 * @domain: a domain
 *
 * Returns: (transfer none): the domain's name
 */
const char *
mdev_virt_domain_get_name(const MdevVirtDomain *domain)
{
    return domain->name;
}

static gboolean
domain_fail(const MdevVirtDomain *domain, GError **error, const char *what)
{
    g_autoptr(GError) local = NULL;

    mdev_virt_connection_set_error(domain->connection, &local, what);
    g_propagate_prefixed_error(error, g_steal_pointer(&local), _("domain '%s': "), domain->name);
    return FALSE;
}

/**
 * mdev_virt_domain_get_state:
 * @domain: a domain
 * @ret_active: (out): whether it runs
 * @ret_persistent: (out): whether it has a persistent definition
 * @error: return location for a #GError
 *
 * Returns: %TRUE when libvirt answered
 */
gboolean
mdev_virt_domain_get_state(MdevVirtDomain *domain, gboolean *ret_active,
                           gboolean *ret_persistent, GError **error)
{
    int active;
    int persistent;

    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    active = sym_virDomainIsActive(domain->dom);
    if (active < 0)
        return domain_fail(domain, error, _("cannot tell whether it runs"));
    persistent = sym_virDomainIsPersistent(domain->dom);
    if (persistent < 0)
        return domain_fail(domain, error, _("cannot tell whether it is persistent"));
    if (ret_active)
        *ret_active = active == 1;
    if (ret_persistent)
        *ret_persistent = persistent == 1;
    return TRUE;
}

/**
 * mdev_virt_domain_dup_xml:
 * @domain: a domain
 * @scope: %MDEV_VIRT_CONFIG for the persistent definition (the running
 *   one of a transient domain), %MDEV_VIRT_LIVE for what runs (the
 *   definition of a domain that does not run)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the domain's XML, or %NULL
 */
char *
mdev_virt_domain_dup_xml(MdevVirtDomain *domain, MdevVirtScope scope, GError **error)
{
    char *xml;
    g_autofree char *copy = NULL;

    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    xml = sym_virDomainGetXMLDesc(domain->dom,
                                  scope == MDEV_VIRT_CONFIG ? VIR_DOMAIN_XML_INACTIVE : 0);
    if (xml == NULL) {
        domain_fail(domain, error, _("cannot read its XML"));
        return NULL;
    }
    copy = g_strdup(xml);
    free(xml);
    return g_steal_pointer(&copy);
}

static unsigned int
scope_flags(MdevVirtScope scope)
{
    unsigned int flags = 0;

    if (scope & MDEV_VIRT_CONFIG)
        flags |= VIR_DOMAIN_AFFECT_CONFIG;
    if (scope & MDEV_VIRT_LIVE)
        flags |= VIR_DOMAIN_AFFECT_LIVE;
    return flags;
}

/**
 * mdev_virt_domain_attach_device:
 * @domain: a domain
 * @xml: a device element (`<hostdev>`)
 * @scope: the persistent definition, the running domain, or both
 * @error: return location for a #GError
 *
 * Returns: %TRUE when libvirt added the device
 */
gboolean
mdev_virt_domain_attach_device(MdevVirtDomain *domain, const char *xml, MdevVirtScope scope,
                               GError **error)
{
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (sym_virDomainAttachDeviceFlags(domain->dom, xml, scope_flags(scope)) < 0)
        return domain_fail(domain, error, _("cannot add the device"));
    return TRUE;
}

/**
 * mdev_virt_domain_detach_device:
 * @domain: a domain
 * @xml: a device element that identifies the device
 * @scope: the persistent definition, the running domain, or both
 * @error: return location for a #GError
 *
 * Returns: %TRUE when libvirt removed the device (from a running domain:
 *   asked the guest to release it)
 */
gboolean
mdev_virt_domain_detach_device(MdevVirtDomain *domain, const char *xml, MdevVirtScope scope,
                               GError **error)
{
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (sym_virDomainDetachDeviceFlags(domain->dom, xml, scope_flags(scope)) < 0)
        return domain_fail(domain, error, _("cannot remove the device"));
    return TRUE;
}

/**
 * mdev_virt_domain_set_metadata:
 * @domain: a domain
 * @xml: (nullable): the metadata element, without namespace declaration
 *   (libvirt adds it); %NULL removes the namespace's element
 * @prefix: the namespace prefix
 * @namespace_uri: the namespace
 * @scope: the persistent definition, the running domain, or both
 * @error: return location for a #GError
 *
 * Replaces the domain's one metadata element of @namespace_uri whole.
 *
 * Returns: %TRUE when libvirt stored it
 */
gboolean
mdev_virt_domain_set_metadata(MdevVirtDomain *domain, const char *xml, const char *prefix,
                              const char *namespace_uri, MdevVirtScope scope, GError **error)
{
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (sym_virDomainSetMetadata(domain->dom, VIR_DOMAIN_METADATA_ELEMENT, xml,
                                 xml ? prefix : NULL, namespace_uri, scope_flags(scope)) < 0)
        return domain_fail(domain, error, _("cannot store its metadata"));
    return TRUE;
}
