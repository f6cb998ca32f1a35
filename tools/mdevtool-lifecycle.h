/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "mdev-ops.h"
#include "mdev-xml-host.h"
#include "mdevtool.h"

G_BEGIN_DECLS

/* Helpers shared by the commands that create, change or remove mdevs. */

GPtrArray *mdevtool_parse_attrs(char **specs, GError **error);
gboolean mdevtool_parse_switch(const char *cmd, const char *option, const char *text,
                               MdevXmlSwitch *ret_value, int *ret_status);
void mdevtool_resolve_parent(MdevtoolCli *cli, char **parent);
char *mdevtool_take_device(MdevtoolCli *cli, const char *cmd, int argc, char **argv,
                           const char *uuid_option, char **parent, int *ret_status);
gboolean mdevtool_parse_placement(const char *text, MdevPlacement *ret_placement, int *ret_status);
int mdevtool_finish(GPtrArray *messages, const GError *error);
int mdevtool_finish_with_doctor(MdevtoolCli *cli, GPtrArray *messages, const GError *error,
                                const char *subject);
void mdevtool_report_change(MdevtoolCli *cli, const char *action, const char *uuid,
                            const char *parent, const char *placement, int autostart);

/* What create and define are asked to make: given by options, or by an
 * --xml document that mdevtool_request_load() reads. */
typedef struct {
    char *type;
    char *parent;
    char *uuid;
    gboolean autostart;
    char **attr_specs;
    char *policy;
    char *xml;
    /* set by mdevtool_request_load() */
    GPtrArray *attrs;
    MdevPlacement placement;
} MdevtoolRequest;

void mdevtool_request_clear(MdevtoolRequest *request);
void mdevtool_request_add_options(GOptionContext *octx, MdevtoolRequest *request);
gboolean mdevtool_request_load(MdevtoolCli *cli, const char *cmd, MdevtoolRequest *request,
                               int *ret_status);

G_END_DECLS

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(MdevtoolRequest, mdevtool_request_clear)
