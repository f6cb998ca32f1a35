dnl SPDX-License-Identifier: LGPL-2.1-or-later
dnl MDEV_CHECK_CFLAG(FLAG, [ACTION-IF-OK], [ACTION-IF-NOT])
dnl Compiles an empty program with FLAG and -Werror, so a flag the compiler
dnl only warns about counts as unsupported.
AC_DEFUN([MDEV_CHECK_CFLAG], [
    AS_VAR_PUSHDEF([cache], [mdev_cv_cflag_$1])
    AC_CACHE_CHECK([whether $CC accepts $1], [cache], [
        mdev_save_cflags=$CFLAGS
        CFLAGS="$CFLAGS -Werror $1"
        AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
                          [AS_VAR_SET([cache], [yes])], [AS_VAR_SET([cache], [no])])
        CFLAGS=$mdev_save_cflags])
    AS_VAR_IF([cache], [yes], [$2], [$3])
    AS_VAR_POPDEF([cache])
])
