/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mdev-error.h"

G_DEFINE_QUARK(mdev-error-quark, mdev_error)
