/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/* The bounded libxml2 loader, shared by the node-device and the domain
 * parsers. libxml2 is loaded on first use and never linked, so the tree is
 * walked through its struct fields and these functions only. */

/* Domain documents carry every device of a guest and other programs'
 * metadata; they are still refused beyond these bounds. */
#define MDEV_DOMAIN_XML_MAX_SIZE (4 * 1024 * 1024)
#define MDEV_DOMAIN_XML_MAX_DEPTH 64

typedef enum {
    MDEV_XML_DOCUMENT_NODEDEV,
    MDEV_XML_DOCUMENT_DOMAIN,
} MdevXmlDocument;

typedef xmlDoc MdevXmlDoc;

MdevXmlDoc *mdev_xml_parse_read(const char *xml, gssize length, MdevXmlDocument kind,
                                const char *root, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean mdev_xml_parse_invalid(MdevXmlDocument kind, GError **error, const char *format, ...)
    G_GNUC_PRINTF(3, 4);
void mdev_xml_parse_doc_free(MdevXmlDoc *doc);
xmlNode *mdev_xml_parse_doc_root(MdevXmlDoc *doc);
char *mdev_xml_parse_node_text(xmlNode *node) G_GNUC_WARN_UNUSED_RESULT;
char *mdev_xml_parse_node_prop(xmlNode *node, const char *name) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(MdevXmlDoc, mdev_xml_parse_doc_free)
