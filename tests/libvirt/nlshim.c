/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Preloaded into libvirtd (after umockdev's preload library) when it runs on
 * a umockdev testbed. libvirtd connects a daemon-wide libnl socket to
 * NETLINK_KOBJECT_UEVENT at start-up and exits when that fails; under
 * umockdev, kobject-uevent sockets belong to umockdev, which feeds its
 * synthetic uevents through them, and libnl's connect fails. The node-device
 * driver does not use that socket (it listens through a libudev monitor, which
 * umockdev serves), so connecting it to NETLINK_ROUTE instead is harmless and
 * lets the daemon start. */
#include <stddef.h>
#include <dlfcn.h>

#define NETLINK_ROUTE_PROTOCOL 0
#define NETLINK_KOBJECT_UEVENT_PROTOCOL 15

struct nl_sock;

int nl_connect(struct nl_sock *sk, int protocol);

int
nl_connect(struct nl_sock *sk, int protocol)
{
    static int (*real_connect)(struct nl_sock *, int);

    if (real_connect == NULL)
        real_connect = (int (*)(struct nl_sock *, int)) dlsym(RTLD_NEXT, "nl_connect");
    if (real_connect == NULL)
        return -1;
    if (protocol == NETLINK_KOBJECT_UEVENT_PROTOCOL)
        protocol = NETLINK_ROUTE_PROTOCOL;
    return real_connect(sk, protocol);
}
