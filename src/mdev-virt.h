/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How long opening a connection may take when the caller gives no limit. */
#define MDEV_VIRT_DEFAULT_TIMEOUT_MS 10000

/**
 * MdevVirtConnection:
 *
 * An open libvirt connection and the URI it was opened with. libvirt
 * itself is loaded on the first call that needs it (see mdev-dlopen.h):
 * a process that never connects never maps it.
 */
typedef struct _MdevVirtConnection MdevVirtConnection;

/**
 * MdevVirtDomain:
 *
 * A libvirt domain of a connection, which must outlive it.
 */
typedef struct _MdevVirtDomain MdevVirtDomain;

/**
 * MdevVirtScope:
 * @MDEV_VIRT_CONFIG: the persistent definition
 * @MDEV_VIRT_LIVE: the running domain
 */
typedef enum {
    MDEV_VIRT_CONFIG = 1 << 0,
    MDEV_VIRT_LIVE = 1 << 1,
} MdevVirtScope;

/* The connection of the domain commands when the caller names none. */
#define MDEV_VIRT_DEFAULT_URI "qemu:///system"

/**
 * MdevVirtHost:
 * @uri: the URI as the caller gave it
 * @connection: (nullable): the open connection, %NULL when opening failed
 * @error: (nullable): why opening failed
 *
 * The outcome of opening one of several connections.
 */
typedef struct {
    char *uri;
    MdevVirtConnection *connection;
    GError *error;
} MdevVirtHost;

/* Called in the caller's thread while connections are being opened. */
typedef void (*MdevVirtProgressFunc)(guint answered, guint total, gpointer user_data);

gboolean mdev_virt_load(GError **error);
void mdev_virt_shutdown(void);
gboolean mdev_virt_check_uri(const char *uri, GError **error);

MdevVirtConnection *mdev_virt_connection_open(const char *uri, guint timeout_ms, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
void mdev_virt_connection_free(MdevVirtConnection *connection);
const char *mdev_virt_connection_get_uri(const MdevVirtConnection *connection);
gpointer mdev_virt_connection_get_handle(const MdevVirtConnection *connection);
void mdev_virt_connection_set_error(const MdevVirtConnection *connection, GError **error,
                                    const char *what);

GPtrArray *mdev_virt_open_hosts(const char *const *uris, guint timeout_ms,
                                MdevVirtProgressFunc progress, gpointer user_data)
    G_GNUC_WARN_UNUSED_RESULT;
void mdev_virt_host_free(MdevVirtHost *host);

MdevVirtDomain *mdev_virt_domain_lookup(MdevVirtConnection *connection, const char *name,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *mdev_virt_list_domains(MdevVirtConnection *connection, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
void mdev_virt_domain_free(MdevVirtDomain *domain);
const char *mdev_virt_domain_get_name(const MdevVirtDomain *domain);
gboolean mdev_virt_domain_get_state(MdevVirtDomain *domain, gboolean *ret_active,
                                    gboolean *ret_persistent, GError **error);
char *mdev_virt_domain_dup_xml(MdevVirtDomain *domain, MdevVirtScope scope, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_virt_domain_attach_device(MdevVirtDomain *domain, const char *xml,
                                        MdevVirtScope scope, GError **error);
gboolean mdev_virt_domain_detach_device(MdevVirtDomain *domain, const char *xml,
                                        MdevVirtScope scope, GError **error);
gboolean mdev_virt_domain_set_metadata(MdevVirtDomain *domain, const char *xml,
                                       const char *prefix, const char *namespace_uri,
                                       MdevVirtScope scope, GError **error);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevVirtConnection, mdev_virt_connection_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevVirtHost, mdev_virt_host_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevVirtDomain, mdev_virt_domain_free)
