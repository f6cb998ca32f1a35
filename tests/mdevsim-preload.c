/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Preloaded by tests/mdevsim into the command it runs, ahead of umockdev's
 * preload. A write() to a file of the testbed's sysfs goes to the simulator,
 * which answers as the kernel would (or fails it, when told to); every
 * other write goes on unchanged. Only libc, and raw system calls for the socket, so that the
 * interposed functions of umockdev's preload stay out of the way.
 *
 * glibc's stdio writes through internal calls that cannot be interposed, so
 * a buffered stream (bash's builtin echo, coreutils' printf) is handled
 * where its buffer is flushed: fflush(), fclose() and at exit for stdout. */
#define _GNU_SOURCE
#include "mdevsim-protocol.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#define DELETED_SUFFIX " (deleted)"

/* glibc's FILE flags (libio ABI), no longer in its public headers */
#ifndef _IO_UNBUFFERED
#define _IO_UNBUFFERED 0x0002
#endif
#ifndef _IO_LINE_BUF
#define _IO_LINE_BUF 0x0200
#endif

static int
ends_with(const char *text, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);

    return len >= n && memcmp(text + len - n, suffix, n) == 0;
}

static long
raw_close(int fd)
{
    return syscall(SYS_close, fd);
}

/* Below the testbed's sys/: every sysfs file, so that the simulator can
 * fail any write */
static int
in_testbed(const char *path, size_t len)
{
    const char *root = getenv(MDEVSIM_ROOT_ENV);
    size_t n;

    if (root == NULL || *root == '\0')
        return 0;
    n = strlen(root);
    return len > n + 5 && memcmp(path, root, n) == 0 && memcmp(path + n, "/sys/", 5) == 0;
}

/* The path of @fd into @path (PATH_MAX bytes) when it is a `create` or
 * `remove` file or a file of the testbed's sysfs, else 0. */
static size_t
kernel_file_path(int fd, char *path, int *ret_deleted)
{
    char link[64];
    size_t len;
    long n;

    *ret_deleted = 0;
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = syscall(SYS_readlinkat, AT_FDCWD, link, path, (size_t) PATH_MAX);
    if (n <= 0 || n >= PATH_MAX)
        return 0;
    len = (size_t) n;
    if (ends_with(path, len, DELETED_SUFFIX)) {
        len -= strlen(DELETED_SUFFIX);
        *ret_deleted = 1;
    }
    if (!ends_with(path, len, "/create") && !ends_with(path, len, "/remove") &&
        !in_testbed(path, len))
        return 0;
    return len;
}

/* Sends one request; returns 1 with *ret set from an 'R' reply, 0 when
 * there is no simulator or it says to go on as usual. */
static int
exchange(const char *message, size_t len, ssize_t *ret)
{
    const char *socket_path = getenv(MDEVSIM_SOCKET_ENV);
    char reply[64];
    struct sockaddr_un addr;
    long n, sock;
    char *end;

    if (socket_path == NULL || *socket_path == '\0' || strlen(socket_path) >= sizeof(addr.sun_path))
        return 0;
    sock = syscall(SYS_socket, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (sock < 0)
        return 0;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, socket_path);
    do {
        n = syscall(SYS_connect, sock, (struct sockaddr *) &addr, sizeof(addr));
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        /* no simulator (it is gone): behave as usual */
        raw_close((int) sock);
        return 0;
    }
    do {
        n = syscall(SYS_sendto, sock, message, len, MSG_NOSIGNAL, NULL, 0);
    } while (n < 0 && errno == EINTR);
    if (n == (long) len) {
        do {
            n = syscall(SYS_recvfrom, sock, reply, sizeof(reply) - 1, 0, NULL, NULL);
        } while (n < 0 && errno == EINTR);
    } else {
        n = -1;
    }
    raw_close((int) sock);
    if (n <= 0) {
        *ret = -EIO;
        return 1;
    }
    reply[n] = '\0';
    if (reply[0] != 'R')
        return 0;
    *ret = (ssize_t) strtoll(reply + 1, &end, 10);
    return 1;
}

/* Returns 1 with *ret set when the simulator answered, 0 for a plain write. */
static int
ask_simulator(int fd, const void *buf, size_t count, ssize_t *ret)
{
    char message[MDEVSIM_MESSAGE_MAX];
    size_t path_len, data_len;
    int deleted;

    if (getenv(MDEVSIM_SOCKET_ENV) == NULL)
        return 0;
    path_len = kernel_file_path(fd, message + 1, &deleted);
    if (path_len == 0)
        return 0;

    message[0] = deleted ? 'D' : 'W';
    message[1 + path_len] = '\0';
    data_len = count < MDEVSIM_WRITE_MAX ? count : MDEVSIM_WRITE_MAX;
    if (data_len > 0)
        memcpy(message + 2 + path_len, buf, data_len);
    return exchange(message, 2 + path_len + data_len, ret);
}

/* The VFIO group nodes: a VM holds its device through one, and libvirt
 * (or mdevtool) tries to open it to see whether it is in use. Returns 1
 * with the result in *ret (an fd on /dev/null or -1 with errno) when
 * @path is /dev/vfio/<number> and the simulator answered. */
static int
open_vfio_group(const char *path, int flags, int *ret)
{
    static const char prefix[] = "/dev/vfio/";
    char message[32];
    const char *p;
    ssize_t result;
    int saved_errno = errno;

    if (path == NULL || strncmp(path, prefix, sizeof(prefix) - 1) != 0)
        return 0;
    p = path + sizeof(prefix) - 1;
    if (*p == '\0' || strlen(p) > 10 || strspn(p, "0123456789") != strlen(p))
        return 0;
    snprintf(message, sizeof(message), "O%s", p);
    if (!exchange(message, strlen(message), &result))
        return 0;
    if (result < 0) {
        errno = (int) -result;
        *ret = -1;
        return 1;
    }
    *ret = (int) syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDWR | (flags & O_CLOEXEC));
    if (*ret >= 0)
        errno = saved_errno;
    return 1;
}

typedef int (*OpenFunc)(const char *, int, ...);

/* open() and open64() alike: a VFIO group node is the simulator's, any
 * other path goes to the C library's function @name. */
static int
open_via(const char *name, OpenFunc *real, const char *path, int flags, mode_t mode)
{
    int fd;

    if (open_vfio_group(path, flags, &fd))
        return fd;
    if (*real == NULL)
        *real = (OpenFunc) dlsym(RTLD_NEXT, name);
    return (*real)(path, flags, mode);
}

/* The mode argument is there only with O_CREAT or O_TMPFILE. */
#define DEFINE_OPEN(name)                                       \
    int name(const char *path, int flags, ...)                  \
    {                                                           \
        static OpenFunc real;                                   \
        mode_t mode = 0;                                        \
        va_list ap;                                             \
                                                                \
        va_start(ap, flags);                                    \
        if (flags & (O_CREAT | O_TMPFILE))                      \
            mode = va_arg(ap, mode_t);                          \
        va_end(ap);                                             \
        return open_via(#name, &real, path, flags, mode);       \
    }

DEFINE_OPEN(open)
DEFINE_OPEN(open64)

static ssize_t
answer(ssize_t result, int saved_errno)
{
    if (result < 0) {
        errno = (int) -result;
        return -1;
    }
    errno = saved_errno;
    return result;
}

ssize_t
write(int fd, const void *buf, size_t count)
{
    static ssize_t (*real_write)(int, const void *, size_t);
    int saved_errno = errno;
    ssize_t result;

    if (ask_simulator(fd, buf, count, &result))
        return answer(result, saved_errno);
    errno = saved_errno;
    if (real_write == NULL)
        real_write = (ssize_t (*)(int, const void *, size_t)) dlsym(RTLD_NEXT, "write");
    return real_write(fd, buf, count);
}

/* sysfs ignores the offset of a write */
ssize_t
pwrite(int fd, const void *buf, size_t count, off_t offset)
{
    static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
    int saved_errno = errno;
    ssize_t result;

    if (ask_simulator(fd, buf, count, &result))
        return answer(result, saved_errno);
    errno = saved_errno;
    if (real_pwrite == NULL)
        real_pwrite = (ssize_t (*)(int, const void *, size_t, off_t)) dlsym(RTLD_NEXT, "pwrite");
    return real_pwrite(fd, buf, count, offset);
}

ssize_t
pwrite64(int fd, const void *buf, size_t count, off64_t offset)
{
    static ssize_t (*real_pwrite64)(int, const void *, size_t, off64_t);
    int saved_errno = errno;
    ssize_t result;

    if (ask_simulator(fd, buf, count, &result))
        return answer(result, saved_errno);
    errno = saved_errno;
    if (real_pwrite64 == NULL)
        real_pwrite64 = (ssize_t (*)(int, const void *, size_t, off64_t)) dlsym(RTLD_NEXT,
                                                                               "pwrite64");
    return real_pwrite64(fd, buf, count, offset);
}

/* kernfs hands a vectored write to the store as one buffer */
ssize_t
writev(int fd, const struct iovec *iov, int iovcnt)
{
    static ssize_t (*real_writev)(int, const struct iovec *, int);
    char flat[MDEVSIM_WRITE_MAX];
    size_t total = 0, copied = 0;
    int saved_errno = errno;
    ssize_t result;

    for (int i = 0; i < iovcnt; i++) {
        size_t take = iov[i].iov_len;
        if (copied < sizeof(flat)) {
            if (take > sizeof(flat) - copied)
                take = sizeof(flat) - copied;
            memcpy(flat + copied, iov[i].iov_base, take);
            copied += take;
        }
        total += iov[i].iov_len;
    }
    if (ask_simulator(fd, flat, total, &result))
        return answer(result, saved_errno);
    errno = saved_errno;
    if (real_writev == NULL)
        real_writev = (ssize_t (*)(int, const struct iovec *, int)) dlsym(RTLD_NEXT, "writev");
    return real_writev(fd, iov, iovcnt);
}

/* Hands a stream's pending output to the simulator when the stream is a
 * create or remove file. Returns 1 when handled (the buffer is then empty),
 * with *ret_errno set when the "kernel" refused the write. */
static int
flush_stream(FILE *stream, int *ret_errno)
{
    size_t pending;
    ssize_t result;
    int fd;

    *ret_errno = 0;
    if (stream == NULL || stream->_IO_write_ptr == NULL || stream->_IO_write_base == NULL ||
        stream->_IO_write_ptr <= stream->_IO_write_base)
        return 0;
    fd = fileno(stream);
    if (fd < 0)
        return 0;
    pending = (size_t) (stream->_IO_write_ptr - stream->_IO_write_base);
    if (!ask_simulator(fd, stream->_IO_write_base, pending, &result))
        return 0;
    stream->_IO_write_ptr = stream->_IO_write_base;
    if (result < 0) {
        stream->_flags |= _IO_ERR_SEEN;
        *ret_errno = (int) -result;
    }
    return 1;
}

int
fflush(FILE *stream)
{
    static int (*real_fflush)(FILE *);
    int saved_errno = errno;
    int err, ret;

    flush_stream(stream ? stream : stdout, &err);
    if (real_fflush == NULL)
        real_fflush = (int (*)(FILE *)) dlsym(RTLD_NEXT, "fflush");
    errno = saved_errno;
    ret = real_fflush(stream);
    if (err) {
        errno = err;
        return EOF;
    }
    return ret;
}

int
fclose(FILE *stream)
{
    static int (*real_fclose)(FILE *);
    int saved_errno = errno;
    int err, ret;

    flush_stream(stream, &err);
    if (real_fclose == NULL)
        real_fclose = (int (*)(FILE *)) dlsym(RTLD_NEXT, "fclose");
    errno = saved_errno;
    ret = real_fclose(stream);
    if (err) {
        errno = err;
        return EOF;
    }
    return ret;
}

/* exit() flushes streams inside libc, after the atexit handlers */
static void
flush_at_exit(void)
{
    int err;

    flush_stream(stdout, &err);
}

__attribute__((constructor)) static void
setup(void)
{
    atexit(flush_at_exit);
}

/* bash makes stdout line-buffered, so its builtin echo would write the line
 * from inside libc. While fd 1 is a create or remove file, stdout is fully
 * buffered instead, and the shell's fflush() after the builtin hands the
 * whole value over in one piece, as one write() would. */
int
dup2(int oldfd, int newfd)
{
    static int (*real_dup2)(int, int);
    static int switched;
    static int saved_mode;
    char path[PATH_MAX];
    int saved_errno, deleted, ret;

    if (real_dup2 == NULL)
        real_dup2 = (int (*)(int, int)) dlsym(RTLD_NEXT, "dup2");
    ret = real_dup2(oldfd, newfd);
    if (ret != 1 || getenv(MDEVSIM_SOCKET_ENV) == NULL)
        return ret;
    saved_errno = errno;
    if (kernel_file_path(1, path, &deleted) > 0) {
        if (!switched) {
            saved_mode = stdout->_flags & _IO_LINE_BUF ? _IOLBF
                : stdout->_flags & _IO_UNBUFFERED  ? _IONBF
                                                   : _IOFBF;
            setvbuf(stdout, NULL, _IOFBF, BUFSIZ);
            switched = 1;
        }
    } else if (switched) {
        setvbuf(stdout, NULL, saved_mode, BUFSIZ);
        switched = 0;
    }
    errno = saved_errno;
    return ret;
}
