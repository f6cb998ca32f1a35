/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mdevsim-ctl: sends a control command to the tests/mdevsim that runs the
 * calling process (through $MDEVSIM_SOCKET), e.g.
 *   mdevsim-ctl register 0.0.0053
 * Prints what the command prints; exits 1 with the error on stderr when the
 * simulator refuses, 2 on a usage error. */
#include "mdevsim-protocol.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
    const char *path = getenv(MDEVSIM_SOCKET_ENV);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    char message[MDEVSIM_MESSAGE_MAX];
    char reply[1024];
    size_t len = 1;
    ssize_t n;
    char *text;
    long err;
    int fd;

    if (argc < 2) {
        fprintf(stderr, "usage: mdevsim-ctl COMMAND [ARGS...] (see mdevsim --help)\n");
        return 2;
    }
    if (path == NULL || strlen(path) >= sizeof(addr.sun_path)) {
        fprintf(stderr, "mdevsim-ctl: not running under mdevsim (%s is not set)\n",
                MDEVSIM_SOCKET_ENV);
        return 2;
    }
    message[0] = 'C';
    for (int i = 1; i < argc; i++) {
        size_t l = strlen(argv[i]) + 1;
        if (len + l > sizeof(message)) {
            fprintf(stderr, "mdevsim-ctl: command too long\n");
            return 2;
        }
        memcpy(message + len, argv[i], l);
        len += l;
    }
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0 ||
        send(fd, message, len - 1, MSG_NOSIGNAL) < 0 ||
        (n = recv(fd, reply, sizeof(reply) - 1, 0)) <= 0) {
        fprintf(stderr, "mdevsim-ctl: cannot reach mdevsim at %s: %s\n", path, strerror(errno));
        return 1;
    }
    close(fd);
    reply[n] = '\0';
    if (reply[0] != 'E') {
        fprintf(stderr, "mdevsim-ctl: unexpected answer\n");
        return 1;
    }
    err = strtol(reply + 1, &text, 10);
    if (*text == ' ')
        text++;
    if (err != 0) {
        fprintf(stderr, "mdevsim-ctl: %s: %s\n", argv[1], text);
        return 1;
    }
    if (*text)
        printf("%s\n", text);
    return 0;
}
