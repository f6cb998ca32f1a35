/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The unix socket between tests/mdevsim and the processes it runs
 * (SOCK_SEQPACKET, one request and one reply per connection, served one at
 * a time as the kernel's mdev locks serialise creates and removes).
 *
 * Requests (for a `create` or `remove` file, or any file below
 * $MDEVSIM_ROOT/sys):
 *   'W' <path> '\0' <data>   a write() of <data> to the file that the
 *                            writer's fd shows as <path> in /proc/self/fd
 *                            (only the first MDEVSIM_WRITE_MAX bytes: one
 *                            sysfs write never takes more)
 *   'D' <path>               the same for a file that was deleted meanwhile
 *   'C' <word> '\0' <word>   a control command (see mdevsim --help)
 *   'O' <decimal>            an open() of /dev/vfio/<decimal>, the VFIO
 *                            group a VM (or libvirt's check) opens
 * Replies:
 *   'P'                      not the kernel's business: do the plain write
 *   'R' <decimal>            write()'s result: bytes taken or -errno (the
 *                            remove of a held mdev is answered only when
 *                            it is released); for 'O' 0 or -errno
 *   'E' <decimal> ' ' <text> control command result: errno (0 on success)
 *                            and output or message
 */

#define MDEVSIM_SOCKET_ENV "MDEVSIM_SOCKET"
/* The testbed's root as /proc/self/fd shows it: writes below its sys/ go
 * to the simulator */
#define MDEVSIM_ROOT_ENV "MDEVSIM_ROOT"
#define MDEVSIM_WRITE_MAX 4096
#define MDEVSIM_MESSAGE_MAX (MDEVSIM_WRITE_MAX + 4096 + 16)
