/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-context.h"

G_BEGIN_DECLS

/**
 * MdevSeverity:
 * @MDEV_SEVERITY_INFO: worth knowing, nothing to repair
 * @MDEV_SEVERITY_WARNING: works now, but likely to bite
 * @MDEV_SEVERITY_ERROR: stands between the host and working mdevs
 *
 * How much a finding of mdev_doctor_check() matters.
 */
typedef enum {
    MDEV_SEVERITY_INFO,
    MDEV_SEVERITY_WARNING,
    MDEV_SEVERITY_ERROR,
    MDEV_SEVERITY_LAST
} MdevSeverity;

const char *mdev_severity_to_string(MdevSeverity severity);

/**
 * MdevFinding:
 * @severity: how much it matters
 * @subject: what it is about: a device, type, module, daemon, file or UUID
 * @problem: what is wrong, one sentence
 * @fix: (nullable): what to do about it, one sentence
 * @parent: (nullable): the parent or device it concerns, %NULL when it
 *   concerns the whole host
 * @type: (nullable): the type id it concerns
 *
 * One thing mdev_doctor_check() found.
 */
typedef struct {
    MdevSeverity severity;
    char *subject;
    char *problem;
    char *fix;
    char *parent;
    char *type;
} MdevFinding;

MdevFinding *mdev_finding_new(MdevSeverity severity, const char *subject, const char *problem,
                              const char *fix) G_GNUC_WARN_UNUSED_RESULT;
void mdev_finding_free(MdevFinding *finding);

GPtrArray *mdev_doctor_check(MdevContext *ctx, const char *subject, GError **error)
    G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_doctor_has_errors(const GPtrArray *findings);

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevFinding, mdev_finding_free)
