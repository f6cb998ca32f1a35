/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Internal to the library: cleanups for foreign types, defined once here. */

#include <glib.h>
#include <json-c/json_object.h>
#include <json-c/json_tokener.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

/* json_object_put() returns an int; the autoptr list cleanups call
 * through a pointer to a function returning void */
static inline void
mdev_json_object_unref(json_object *object)
{
    json_object_put(object);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_object, mdev_json_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_tokener, json_tokener_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject)
