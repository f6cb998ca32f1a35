/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The fixture of the XML tests (test-xml-format, test-xml-parse,
 * test-xml-host): a umockdev testbed of every kind of parent with its
 * mdevs and definitions (tests/xml-testbeds.c), as the library reads it. */

#include "mdev-discovery.h"
#include "mock-sysfs.h"
#include "xml-testbeds.h"

G_BEGIN_DECLS

typedef struct {
    MockSysfs *sysfs;
    char *conf_dir;
    char *state_dir;
    MdevContext *ctx;
    MdevInventory *inv;
    GPtrArray *parents;     /* borrowed from inv */
    GPtrArray *devices;     /* borrowed from inv: active and defined, merged */
    GPtrArray *definitions; /* the store's records */
} XmlFixture;

void xml_fixture_setup(XmlFixture *fx, gconstpointer data);
void xml_fixture_teardown(XmlFixture *fx, gconstpointer data);
const MdevParent *xml_fixture_find_parent(XmlFixture *fx, const char *name);
const MdevDevice *xml_find_device(GPtrArray *devices, const char *uuid, const char *parent);
char *xml_fixture_format_case(XmlFixture *fx, const XmlTestbedCase *c, GError **error);
char *xml_read_golden(const char *name);

/* a test of @func on a fresh fixture */
#define XML_FIXTURE_ADD(path, func) \
    g_test_add(path, XmlFixture, NULL, xml_fixture_setup, func, xml_fixture_teardown)

G_END_DECLS
