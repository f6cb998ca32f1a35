/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The node-device documents `virsh nodedev-define` and `nodedev-create`
 * accept, read from untrusted input into a definition. */
#include "mdev-xml-parse.h"
#include "mdev-xml-parse-private.h"

#include "mdev-dlopen.h"
#include "mdev-error.h"
#include "mdev-private.h"
#include "mdev-util.h"
#include "mdev-xml.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <stdio.h>
#include <string.h>

/* libxml2 (with ICU and libstdc++ behind it) is opened on the first parse:
 * only the node-device commands parse XML, and every other command would
 * pay for loading it at start-up. The error handler globals are macros
 * over these accessor functions. */
MDEV_DLOPEN_DECLARE(xmlStopParser);
MDEV_DLOPEN_DECLARE(xmlSAX2StartElementNs);
MDEV_DLOPEN_DECLARE(xmlSAX2EndElementNs);
MDEV_DLOPEN_DECLARE(xmlNodeGetContent);
MDEV_DLOPEN_DECLARE(xmlGetNoNsProp);
MDEV_DLOPEN_DECLARE(xmlStrEqual);
MDEV_DLOPEN_DECLARE(xmlFree);
MDEV_DLOPEN_DECLARE(xmlNewParserCtxt);
MDEV_DLOPEN_DECLARE(xmlFreeParserCtxt);
MDEV_DLOPEN_DECLARE(xmlCtxtReadMemory);
MDEV_DLOPEN_DECLARE(xmlDocGetRootElement);
MDEV_DLOPEN_DECLARE(xmlFreeDoc);
MDEV_DLOPEN_DECLARE(xmlSetStructuredErrorFunc);
MDEV_DLOPEN_DECLARE(xmlSetGenericErrorFunc);
MDEV_DLOPEN_DECLARE(__xmlStructuredError);
MDEV_DLOPEN_DECLARE(__xmlStructuredErrorContext);
MDEV_DLOPEN_DECLARE(__xmlGenericError);
MDEV_DLOPEN_DECLARE(__xmlGenericErrorContext);

static const MdevDlopenSymbol xml_symbols[] = {
    MDEV_DLOPEN_SYMBOL(xmlStopParser),
    MDEV_DLOPEN_SYMBOL(xmlSAX2StartElementNs),
    MDEV_DLOPEN_SYMBOL(xmlSAX2EndElementNs),
    MDEV_DLOPEN_SYMBOL(xmlNodeGetContent),
    MDEV_DLOPEN_SYMBOL(xmlGetNoNsProp),
    MDEV_DLOPEN_SYMBOL(xmlStrEqual),
    MDEV_DLOPEN_SYMBOL(xmlFree),
    MDEV_DLOPEN_SYMBOL(xmlNewParserCtxt),
    MDEV_DLOPEN_SYMBOL(xmlFreeParserCtxt),
    MDEV_DLOPEN_SYMBOL(xmlCtxtReadMemory),
    MDEV_DLOPEN_SYMBOL(xmlDocGetRootElement),
    MDEV_DLOPEN_SYMBOL(xmlFreeDoc),
    MDEV_DLOPEN_SYMBOL(xmlSetStructuredErrorFunc),
    MDEV_DLOPEN_SYMBOL(xmlSetGenericErrorFunc),
    MDEV_DLOPEN_SYMBOL(__xmlStructuredError),
    MDEV_DLOPEN_SYMBOL(__xmlStructuredErrorContext),
    MDEV_DLOPEN_SYMBOL(__xmlGenericError),
    MDEV_DLOPEN_SYMBOL(__xmlGenericErrorContext),
};
static MdevDlopenLibrary xml_library = MDEV_DLOPEN_LIBRARY("libxml2.so.2", xml_symbols);

/**
 * mdev_xml_parse_doc_free:
 * @doc: (nullable): a document of mdev_xml_parse_read()
 *
 * Frees @doc through the libxml2 that was loaded to parse it.
 */
void
mdev_xml_parse_doc_free(MdevXmlDoc *doc)
{
    if (doc)
        sym_xmlFreeDoc(doc);
}

typedef struct {
    char *first_error;
    gboolean has_dtd;
    gboolean too_deep;
    guint depth;
    guint max_depth;
} ParseState;

static void
keep_first_error(ParseState *state, int line, const char *text)
{
    g_autofree char *message = NULL;

    if (state->first_error || text == NULL)
        return;
    /* some messages continue on a second line ("Bytes: 0x..."): the
     * GError holds one line */
    message = g_strndup(text, strcspn(text, "\n"));
    g_strchomp(message);
    state->first_error =
        line > 0 ? g_strdup_printf(_("line %1$d: %2$s"), line, message) : g_strdup(message);
}

/* libxml2 would print to stderr; the library never prints. Keep the first
 * message for the GError. */
static void
collect_error(void *user_data, xmlErrorPtr err)
{
    xmlParserCtxtPtr ctxt = user_data;

    if (err)
        keep_first_error(ctxt->_private, err->line, err->message);
}

/* Errors libxml2 raises without a parser context (encoding conversion,
 * I/O) go to its thread's global handlers, which print on stderr unless
 * replaced for the duration of the parse. */
static void
collect_global_error(void *user_data, xmlErrorPtr err)
{
    if (err)
        keep_first_error(user_data, err->line, err->message);
}

static void collect_generic_error(void *user_data, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void
collect_generic_error(void *user_data, const char *format, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, format);
    text = g_strdup_vprintf(format, ap);
    va_end(ap);
    keep_first_error(user_data, 0, text);
}

/* libxml2 recurses once per element level; node-device documents are a
 * few levels deep, so a deep document is refused at the first element
 * beyond the limit, long before the recursion matters. */
static void
start_element(void *user_data, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
              int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
              const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = user_data;
    ParseState *state = ctxt->_private;

    if (++state->depth > state->max_depth) {
        state->too_deep = TRUE;
        sym_xmlStopParser(ctxt);
        return;
    }
    sym_xmlSAX2StartElementNs(ctxt, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
                          nb_defaulted, attributes);
}

static void
end_element(void *user_data, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    xmlParserCtxtPtr ctxt = user_data;
    ParseState *state = ctxt->_private;

    state->depth--;
    sym_xmlSAX2EndElementNs(ctxt, localname, prefix, uri);
}

/* Node-device documents have no use for a DTD; refusing any DOCTYPE at the
 * first SAX event closes entity expansion attacks (billion laughs),
 * external entities and external DTD loading before libxml2 processes a
 * single declaration. */
static void
refuse_dtd(void *user_data, const xmlChar *name, const xmlChar *external_id,
           const xmlChar *system_id)
{
    xmlParserCtxtPtr ctxt = user_data;
    ParseState *state = ctxt->_private;

    state->has_dtd = TRUE;
    sym_xmlStopParser(ctxt);
}

static char *
node_text(xmlNodePtr node)
{
    xmlChar *content = sym_xmlNodeGetContent(node);
    char *text = g_strstrip(g_strdup(content ? (const char *) content : ""));

    (*sym_xmlFree)(content);
    return text;
}

static char *
node_prop(xmlNodePtr node, const char *name)
{
    xmlChar *value = sym_xmlGetNoNsProp(node, (const xmlChar *) name);
    char *text = value ? g_strdup((const char *) value) : NULL;

    (*sym_xmlFree)(value);
    return text;
}

/**
 * mdev_xml_parse_node_text:
 * @node: an element
 *
 * Returns: (transfer full): the text content of @node, stripped
 */
char *
mdev_xml_parse_node_text(xmlNode *node)
{
    return node_text(node);
}

/**
 * mdev_xml_parse_node_prop:
 * @node: an element
 * @name: an attribute name without namespace
 *
 * Returns: (transfer full) (nullable): the attribute's value
 */
char *
mdev_xml_parse_node_prop(xmlNode *node, const char *name)
{
    return node_prop(node, name);
}

static gboolean
node_is(xmlNodePtr node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && sym_xmlStrEqual(node->name, (const xmlChar *) name);
}

static xmlNodePtr
first_child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent->children; n; n = n->next) {
        if (node_is(n, name))
            return n;
    }
    return NULL;
}

/**
 * mdev_xml_parse_uuid:
 * @text: a UUID, with or without hyphens (libvirt accepts both)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the UUID in canonical form, or %NULL with
 *   @error set
 */
char *
mdev_xml_parse_uuid(const char *text, GError **error)
{
    if (strlen(text) == 32 && strspn(text, "0123456789abcdefABCDEF") == 32) {
        g_autofree char *hyphenated = g_strdup_printf("%.8s-%.4s-%.4s-%.4s-%.12s", text, text + 8,
                                                      text + 12, text + 16, text + 20);
        return mdev_util_uuid_canonicalize(hyphenated, error);
    }
    return mdev_util_uuid_canonicalize(text, error);
}

static const MdevParent *
find_parent(const GPtrArray *parents, const char *nodedev)
{
    for (guint i = 0; parents && i < parents->len; i++) {
        const MdevParent *parent = g_ptr_array_index((GPtrArray *) parents, i);
        g_autofree char *name = mdev_xml_parent_nodedev_name(parent);

        if (strcmp(name, nodedev) == 0)
            return parent;
    }
    return NULL;
}

static gboolean
parse_mdev_capability(xmlNodePtr cap, MdevDevice *device, GError **error)
{
    xmlNodePtr type = first_child(cap, "type");
    xmlNodePtr uuid = first_child(cap, "uuid");
    xmlNodePtr start = first_child(cap, "start");
    g_autofree char *type_id = NULL;

    if (type == NULL)
        return mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_NODEDEV, error,
                                      _("missing <type> element in <capability type='mdev'>"));
    type_id = node_prop(type, "id");
    if (type_id == NULL || *type_id == '\0')
        return mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_NODEDEV, error,
                                      _("missing 'id' attribute in <type>"));
    if (!mdev_util_check_name("type", type_id, NULL))
        return mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_NODEDEV, error,
                                      _("invalid type id '%s' in <type>"), type_id);
    device->type = g_steal_pointer(&type_id);

    /* an empty <uuid/> counts as absent, as in libvirt */
    if (uuid) {
        g_autofree char *text = node_text(uuid);
        if (*text) {
            g_autoptr(GError) local = NULL;
            device->uuid = mdev_xml_parse_uuid(text, &local);
            if (device->uuid == NULL)
                return mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_NODEDEV, error,
                                              _("invalid UUID '%s' in <uuid>"), text);
        }
    }

    /* newer libvirt writes the start mode into the document */
    if (start) {
        g_autofree char *mode = node_prop(start, "type");
        if (g_strcmp0(mode, "auto") == 0)
            device->autostart = TRUE;
        else if (g_strcmp0(mode, "manual") != 0)
            return mdev_xml_parse_invalid(
                MDEV_XML_DOCUMENT_NODEDEV, error,
                _("invalid start type '%s' in <start>: expected auto or manual"), mode ? mode : "");
    }

    for (xmlNodePtr n = cap->children; n; n = n->next) {
        g_autofree char *name = NULL;
        g_autofree char *value = NULL;

        if (!node_is(n, "attr"))
            continue;
        name = node_prop(n, "name");
        value = node_prop(n, "value");
        if (name == NULL || *name == '\0')
            return mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_NODEDEV, error,
                                          _("missing 'name' attribute in <attr>"));
        if (value == NULL)
            return mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_NODEDEV, error,
                                          _("missing 'value' attribute in <attr name='%s'>"), name);
        if (!mdev_util_check_name("attribute", name, NULL))
            return mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_NODEDEV, error,
                                          _("invalid attribute name '%s' in <attr>"), name);
        g_ptr_array_add(device->attrs, mdev_attr_new(name, value));
    }
    return TRUE;
}

/**
 * mdev_xml_parse_invalid:
 * @kind: the kind of document
 * @error: return location for a #GError
 * @format: what is wrong, printf-style
 *
 * Sets %MDEV_ERROR_INVALID_CONFIG naming the kind of document.
 *
 * Returns: %FALSE
 */
gboolean
mdev_xml_parse_invalid(MdevXmlDocument kind, GError **error, const char *format, ...)
{
    va_list ap;
    g_autofree char *message = NULL;

    va_start(ap, format);
    message = g_strdup_vprintf(format, ap);
    va_end(ap);
    if (kind == MDEV_XML_DOCUMENT_DOMAIN)
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG, _("invalid domain XML: %s"),
                    message);
    else
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("invalid node device XML: %s"), message);
    return FALSE;
}

/**
 * mdev_xml_parse_read:
 * @xml: a document
 * @length: its length, or -1 when NUL-terminated
 * @kind: what the document is, which sets its bounds and the messages
 * @root: (nullable): the local name the root element must have
 * @error: return location for a #GError
 *
 * Reads @xml into a tree, safe on untrusted input: the size and the
 * nesting are bounded (%MDEV_XML_MAX_SIZE and %MDEV_XML_MAX_DEPTH for node
 * devices, %MDEV_DOMAIN_XML_MAX_SIZE and %MDEV_DOMAIN_XML_MAX_DEPTH for
 * domains), the bytes must be UTF-8 before libxml2 sees them, a DOCTYPE is
 * refused, no entity is expanded and nothing is loaded.
 *
 * Returns: (transfer full): the document, or %NULL with
 *   %MDEV_ERROR_INVALID_CONFIG
 */
MdevXmlDoc *
mdev_xml_parse_read(const char *xml, gssize length, MdevXmlDocument kind, const char *root,
                    GError **error)
{
    xmlParserCtxtPtr ctxt = NULL;
    g_autoptr(MdevXmlDoc) doc = NULL;
    ParseState state = { NULL, FALSE, FALSE, 0, MDEV_XML_MAX_DEPTH };
    xmlStructuredErrorFunc saved_serror;
    void *saved_serror_data;
    xmlGenericErrorFunc saved_generic;
    void *saved_generic_data;
    const char *invalid_utf8;
    gsize max_size = MDEV_XML_MAX_SIZE;
    gsize size;

    g_return_val_if_fail(xml != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (kind == MDEV_XML_DOCUMENT_DOMAIN) {
        max_size = MDEV_DOMAIN_XML_MAX_SIZE;
        state.max_depth = MDEV_DOMAIN_XML_MAX_DEPTH;
    }
    size = length < 0 ? strlen(xml) : (gsize) length;
    if (size > max_size) {
        mdev_xml_parse_invalid(kind, error,
                               _("the document is %1$llu bytes long, more than the %2$llu bytes "
                                 "accepted"),
                               (unsigned long long) size, (unsigned long long) max_size);
        return NULL;
    }
    /* the document is read as UTF-8 whatever it declares: no converter of
     * libxml2 ever runs on untrusted bytes */
    if (!g_utf8_validate_len(xml, size, &invalid_utf8)) {
        mdev_xml_parse_invalid(kind, error, _("the document is not valid UTF-8 (at byte %llu)"),
                               (unsigned long long) (invalid_utf8 - xml));
        return NULL;
    }

    if (!mdev_dlopen_load(&xml_library, error))
        return NULL;
    ctxt = sym_xmlNewParserCtxt();
    if (ctxt == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_FAILED, _("cannot create an XML parser"));
        return NULL;
    }
    ctxt->_private = &state;
    ctxt->sax->serror = collect_error;
    ctxt->sax->error = NULL;
    ctxt->sax->warning = NULL;
    ctxt->sax->internalSubset = refuse_dtd;
    ctxt->sax->externalSubset = refuse_dtd;
    ctxt->sax->startElementNs = start_element;
    ctxt->sax->endElementNs = end_element;
    saved_serror = *sym___xmlStructuredError();
    saved_serror_data = *sym___xmlStructuredErrorContext();
    saved_generic = *sym___xmlGenericError();
    saved_generic_data = *sym___xmlGenericErrorContext();
    sym_xmlSetStructuredErrorFunc(&state, collect_global_error);
    sym_xmlSetGenericErrorFunc(&state, collect_generic_error);
    /* XML_PARSE_NOENT is deliberately absent: it would expand entities */
    doc = sym_xmlCtxtReadMemory(ctxt, xml, (int) size,
                                kind == MDEV_XML_DOCUMENT_DOMAIN ? "domain.xml" : "nodedev.xml",
                                "UTF-8",
                                XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING |
                                    XML_PARSE_NOERROR);
    sym_xmlFreeParserCtxt(ctxt);
    sym_xmlSetStructuredErrorFunc(saved_serror_data, saved_serror);
    sym_xmlSetGenericErrorFunc(saved_generic_data, saved_generic);

    if (state.has_dtd) {
        g_free(state.first_error);
        if (kind == MDEV_XML_DOCUMENT_DOMAIN)
            mdev_xml_parse_invalid(kind, error, _("a DOCTYPE is not accepted in domain XML"));
        else
            mdev_xml_parse_invalid(kind, error, _("a DOCTYPE is not accepted in node device XML"));
        return NULL;
    }
    if (state.too_deep) {
        g_free(state.first_error);
        mdev_xml_parse_invalid(kind, error, _("elements are nested more than %u levels deep"),
                               state.max_depth);
        return NULL;
    }
    if (doc == NULL) {
        mdev_xml_parse_invalid(kind, error, "%s",
                               state.first_error ? state.first_error : _("malformed document"));
        g_free(state.first_error);
        return NULL;
    }
    g_free(state.first_error);

    if (sym_xmlDocGetRootElement(doc) == NULL ||
        (root && !node_is(sym_xmlDocGetRootElement(doc), root))) {
        mdev_xml_parse_invalid(kind, error, _("the root element must be <%s>"), root ? root : "");
        return NULL;
    }
    return g_steal_pointer(&doc);
}

/**
 * mdev_xml_parse_doc_root:
 * @doc: a document of mdev_xml_parse_read()
 *
 * Returns: (transfer none): its root element
 */
xmlNode *
mdev_xml_parse_doc_root(MdevXmlDoc *doc)
{
    return sym_xmlDocGetRootElement(doc);
}

/* Reads a node-device document (see mdev_xml_parse_nodedev()). */
static MdevXmlDoc *
read_document(const char *xml, gssize length, GError **error)
{
    return mdev_xml_parse_read(xml, length, MDEV_XML_DOCUMENT_NODEDEV, "device", error);
}

/**
 * mdev_xml_parse_nodedev:
 * @xml: a node-device document
 * @length: its length, or -1 when NUL-terminated
 * @parents: (element-type MdevParent): the parents that exist now
 * @error: return location for a #GError
 *
 * Reads the document `virsh nodedev-define` and `nodedev-create` accept:
 * `<parent>` names the parent's node device (`pci_0000_00_02_0`) and is
 * resolved against @parents; `<capability type='mdev'>` gives the type id
 * (required), the UUID (optional) and `<attr>` elements in order.
 * `<name>`, `<path>`, `<driver>`, `<parent_addr>` and `<iommuGroup>` are
 * ignored, as libvirt ignores them.
 *
 * Parsing is safe on untrusted input: documents over %MDEV_XML_MAX_SIZE and
 * documents with a DOCTYPE are refused, no entity is expanded, nothing is
 * loaded from the network or from files.
 *
 * Returns: (transfer full): a definition (parent, type, attrs, the UUID or
 *   %NULL when the document has none) with defined and active unset; %NULL
 *   with %MDEV_ERROR_INVALID_CONFIG for a bad document, or
 *   %MDEV_ERROR_NOT_FOUND when no parent has the given node-device name
 */
MdevDevice *
mdev_xml_parse_nodedev(const char *xml, gssize length, const GPtrArray *parents, GError **error)
{
    g_autoptr(MdevXmlDoc) doc = NULL;
    g_autoptr(MdevDevice) device = NULL;
    xmlNodePtr root;
    xmlNodePtr parent_node;
    xmlNodePtr mdev_cap = NULL;
    g_autofree char *parent_name = NULL;
    const MdevParent *parent;

    g_return_val_if_fail(xml != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    doc = read_document(xml, length, error);
    if (doc == NULL)
        return NULL;

    root = sym_xmlDocGetRootElement(doc);

    parent_node = first_child(root, "parent");
    if (parent_node)
        parent_name = node_text(parent_node);
    if (parent_name == NULL || *parent_name == '\0') {
        mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_NODEDEV, error, _("missing <parent> element"));
        return NULL;
    }

    for (xmlNodePtr n = root->children; n; n = n->next) {
        g_autofree char *type = NULL;

        if (!node_is(n, "capability"))
            continue;
        type = node_prop(n, "type");
        if (g_strcmp0(type, "mdev") != 0) {
            mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_NODEDEV, error,
                                   _("<capability type='%s'> cannot be defined: only mediated "
                                     "devices (type='mdev') can"),
                                   type ? type : "");
            return NULL;
        }
        if (mdev_cap) {
            mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_NODEDEV, error,
                                   _("more than one <capability type='mdev'> element"));
            return NULL;
        }
        mdev_cap = n;
    }
    if (mdev_cap == NULL) {
        mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_NODEDEV, error,
                               _("missing <capability type='mdev'> element"));
        return NULL;
    }

    device = mdev_device_new(NULL, NULL);
    if (!parse_mdev_capability(mdev_cap, device, error))
        return NULL;

    parent = find_parent(parents, parent_name);
    if (parent == NULL) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_NOT_FOUND,
                    _("invalid parent device '%s' in <parent>: no such parent node device"),
                    parent_name);
        return NULL;
    }
    device->parent = g_strdup(parent->name);
    return g_steal_pointer(&device);
}

/**
 * mdev_xml_parse_nodedev_file:
 * @path: a file holding a node-device document
 * @parents: (element-type MdevParent): the parents that exist now
 * @error: return location for a #GError
 *
 * mdev_xml_parse_nodedev() on a file; a file larger than
 * %MDEV_XML_MAX_SIZE is refused without reading it.
 *
 * Returns: (transfer full): the definition, or %NULL with @error set
 */
MdevDevice *
mdev_xml_parse_nodedev_file(const char *path, const GPtrArray *parents, GError **error)
{
    g_autofree char *contents = NULL;
    gsize length;
    FILE *file;
    MdevDevice *device;
    int saved_errno;

    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    /* read at most one byte more than accepted: a huge file or an endless
     * stream is refused without being read */
    file = fopen(path, "re");
    if (file == NULL) {
        saved_errno = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved_errno),
                    _("cannot open '%1$s': %2$s"), path, g_strerror(saved_errno));
        return NULL;
    }
    contents = g_malloc(MDEV_XML_MAX_SIZE + 1);
    length = fread(contents, 1, MDEV_XML_MAX_SIZE + 1, file);
    saved_errno = errno;
    if (ferror(file)) {
        fclose(file);
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved_errno),
                    _("cannot read '%1$s': %2$s"), path, g_strerror(saved_errno));
        return NULL;
    }
    fclose(file);
    if (length > MDEV_XML_MAX_SIZE) {
        g_set_error(error, MDEV_ERROR, MDEV_ERROR_INVALID_CONFIG,
                    _("%1$s: the document is longer than the %2$d bytes accepted"), path,
                    MDEV_XML_MAX_SIZE);
        return NULL;
    }
    device = mdev_xml_parse_nodedev(contents, (gssize) length, parents, error);
    if (device == NULL)
        g_prefix_error(error, "%s: ", path);
    return device;
}

/* libvirt prints numbers in decimal or, for addresses, with 0x */
static gboolean
parse_number(const char *text, guint64 *ret_value)
{
    if (g_str_has_prefix(text, "0x"))
        return g_ascii_string_to_unsigned(text + 2, 16, 0, G_MAXINT, ret_value, NULL);
    return g_ascii_string_to_unsigned(text, 10, 0, G_MAXINT, ret_value, NULL);
}

static int
node_int_prop(xmlNodePtr node, const char *name, int fallback)
{
    g_autofree char *text = node ? node_prop(node, name) : NULL;
    guint64 value;

    if (text == NULL || !parse_number(text, &value))
        return fallback;
    return (int) value;
}

static gboolean
node_uint_child(xmlNodePtr parent, const char *name, guint64 *ret_value)
{
    xmlNodePtr node = first_child(parent, name);
    g_autofree char *text = node ? node_text(node) : NULL;

    return text != NULL && parse_number(text, ret_value);
}

/**
 * mdev_xml_parse_listed_device:
 * @xml: a node-device document of an mdev, as libvirt lists it
 * @length: its length, or -1 when NUL-terminated
 * @error: return location for a #GError
 *
 * Reads what `virNodeDeviceGetXMLDesc()` says about an mdev: the parent as
 * its kernel name (`<parent_addr>`), the type, the UUID, the attributes,
 * and for a running device its sysfs path, driver and IOMMU group.
 * Whether the device is active, defined or starts automatically is not in
 * the document; the caller sets those.
 *
 * Returns: (transfer full): the device, or %NULL with
 *   %MDEV_ERROR_INVALID_CONFIG
 */
MdevDevice *
mdev_xml_parse_listed_device(const char *xml, gssize length, GError **error)
{
    g_autoptr(MdevXmlDoc) doc = NULL;
    g_autoptr(MdevDevice) device = NULL;
    xmlNodePtr root;
    xmlNodePtr cap = NULL;
    xmlNodePtr node;
    g_autofree char *parent_addr = NULL;

    g_return_val_if_fail(xml != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    doc = read_document(xml, length, error);
    if (doc == NULL)
        return NULL;
    root = sym_xmlDocGetRootElement(doc);
    for (xmlNodePtr n = root->children; n; n = n->next) {
        g_autofree char *type = node_is(n, "capability") ? node_prop(n, "type") : NULL;

        if (g_strcmp0(type, "mdev") == 0)
            cap = n;
    }
    if (cap == NULL) {
        mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_NODEDEV, error,
                               _("missing <capability type='mdev'> element"));
        return NULL;
    }
    device = mdev_device_new(NULL, NULL);
    if (!parse_mdev_capability(cap, device, error))
        return NULL;
    if (device->uuid == NULL) {
        mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_NODEDEV, error,
                               _("missing <uuid> element in <capability type='mdev'>"));
        return NULL;
    }
    node = first_child(cap, "parent_addr");
    parent_addr = node ? node_text(node) : NULL;
    if (parent_addr == NULL || !mdev_util_check_name("parent", parent_addr, NULL)) {
        mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_NODEDEV, error,
                               _("missing or invalid <parent_addr> in <capability type='mdev'>"));
        return NULL;
    }
    device->parent = g_steal_pointer(&parent_addr);
    device->iommu_group = node_int_prop(first_child(cap, "iommuGroup"), "number", -1);
    node = first_child(root, "path");
    if (node)
        device->syspath = node_text(node);
    node = first_child(root, "driver");
    if (node && first_child(node, "name"))
        device->driver = node_text(first_child(node, "name"));
    return g_steal_pointer(&device);
}

static void
collect_types(xmlNodePtr node, MdevParent *parent)
{
    for (xmlNodePtr n = node->children; n; n = n->next) {
        g_autofree char *kind = NULL;

        if (!node_is(n, "capability"))
            continue;
        kind = node_prop(n, "type");
        /* 9.0 nests a generic parent's mdev_types capability in another */
        if (g_strcmp0(kind, "mdev_types") == 0) {
            for (xmlNodePtr t = n->children; t; t = t->next) {
                g_autofree char *id = node_is(t, "type") ? node_prop(t, "id") : NULL;
                MdevType *type;
                xmlNodePtr field;
                guint64 count;

                if (id == NULL || !mdev_util_name_is_valid(id) || mdev_parent_get_type(parent, id))
                    continue;
                type = mdev_type_new(id);
                if ((field = first_child(t, "name")))
                    type->name = node_text(field);
                if ((field = first_child(t, "deviceAPI")))
                    type->device_api = node_text(field);
                type->available_instances =
                    node_uint_child(t, "availableInstances", &count) ? (gint64) count : -1;
                g_ptr_array_add(parent->types, type);
            }
        }
        collect_types(n, parent);
    }
}

/**
 * mdev_xml_parse_parent:
 * @xml: the node-device document of a device with mdev types
 * @length: its length, or -1 when NUL-terminated
 * @error: return location for a #GError
 *
 * Reads a parent as libvirt describes it (`virNodeDeviceGetXMLDesc()` of
 * a device listed with the mdev_types capability): its kernel name, kind,
 * driver, PCI identity, SR-IOV physical function and types with their
 * free instances. Fields libvirt does not give stay unset.
 *
 * Returns: (transfer full): the parent, or %NULL with
 *   %MDEV_ERROR_INVALID_CONFIG
 */
MdevParent *
mdev_xml_parse_parent(const char *xml, gssize length, GError **error)
{
    g_autoptr(MdevXmlDoc) doc = NULL;
    g_autoptr(MdevParent) parent = NULL;
    g_autofree char *nodedev = NULL;
    g_autofree char *name = NULL;
    xmlNodePtr root;
    xmlNodePtr node;
    xmlNodePtr cap = NULL;
    g_autofree char *cap_type = NULL;

    g_return_val_if_fail(xml != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    doc = read_document(xml, length, error);
    if (doc == NULL)
        return NULL;
    root = sym_xmlDocGetRootElement(doc);
    node = first_child(root, "name");
    nodedev = node ? node_text(node) : g_strdup("");
    cap = first_child(root, "capability");
    if (cap == NULL) {
        mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_NODEDEV, error,
                               _("node device '%s' has no capability"), nodedev);
        return NULL;
    }
    cap_type = node_prop(cap, "type");
    parent = mdev_parent_new(NULL);
    node = first_child(root, "path");
    if (node) {
        parent->syspath = node_text(node);
        name = g_path_get_basename(parent->syspath);
    }

    if (g_strcmp0(cap_type, "pci") == 0) {
        guint64 domain, bus, slot, function;
        xmlNodePtr physfn;

        parent->kind = MDEV_PARENT_KIND_PCI;
        parent->subsystem = g_strdup("pci");
        if (name == NULL && node_uint_child(cap, "domain", &domain) &&
            node_uint_child(cap, "bus", &bus) && node_uint_child(cap, "slot", &slot) &&
            node_uint_child(cap, "function", &function))
            name = g_strdup_printf("%04x:%02x:%02x.%x", (guint) domain, (guint) bus, (guint) slot,
                                   (guint) function);
        if ((node = first_child(cap, "vendor")))
            parent->vendor_id = node_prop(node, "id");
        if ((node = first_child(cap, "product")))
            parent->device_id = node_prop(node, "id");
        if ((node = first_child(cap, "class")))
            parent->class_code = node_text(node);
        parent->iommu_group = node_int_prop(first_child(cap, "iommuGroup"), "number", -1);
        parent->numa_node = node_int_prop(first_child(cap, "numa"), "node", -1);
        for (physfn = cap->children; physfn; physfn = physfn->next) {
            g_autofree char *kind =
                node_is(physfn, "capability") ? node_prop(physfn, "type") : NULL;
            xmlNodePtr address;

            if (g_strcmp0(kind, "phys_function") != 0)
                continue;
            address = first_child(physfn, "address");
            if (address) {
                int d = node_int_prop(address, "domain", -1), b = node_int_prop(address, "bus", -1),
                    s = node_int_prop(address, "slot", -1),
                    f = node_int_prop(address, "function", -1);
                if (d >= 0 && b >= 0 && s >= 0 && f >= 0)
                    parent->physfn = g_strdup_printf("%04x:%02x:%02x.%x", d, b, s, f);
            }
        }
    } else if (g_strcmp0(cap_type, "css") == 0) {
        guint64 cssid, ssid, devno;

        parent->kind = MDEV_PARENT_KIND_CSS;
        parent->subsystem = g_strdup("css");
        if (name == NULL && node_uint_child(cap, "cssid", &cssid) &&
            node_uint_child(cap, "ssid", &ssid) && node_uint_child(cap, "devno", &devno))
            name = g_strdup_printf("%x.%x.%04x", (guint) cssid, (guint) ssid, (guint) devno);
    } else if (g_strcmp0(cap_type, "ap_matrix") == 0) {
        parent->kind = MDEV_PARENT_KIND_AP;
        parent->subsystem = g_strdup("matrix");
        if (name == NULL)
            name = g_strdup("matrix");
    } else if (g_strcmp0(cap_type, "mdev_types") == 0) {
        const char *underscore = strchr(nodedev, '_');

        parent->kind = MDEV_PARENT_KIND_GENERIC;
        if (underscore)
            parent->subsystem = g_strndup(nodedev, underscore - nodedev);
    } else {
        mdev_xml_parse_invalid(
            MDEV_XML_DOCUMENT_NODEDEV, error,
            _("node device '%1$s' has capability '%2$s', which cannot host mdevs"), nodedev,
            cap_type ? cap_type : "");
        return NULL;
    }
    if (name == NULL || !mdev_util_check_name("parent", name, NULL)) {
        mdev_xml_parse_invalid(MDEV_XML_DOCUMENT_NODEDEV, error,
                               _("cannot tell the kernel name of node device '%s'"), nodedev);
        return NULL;
    }
    parent->name = g_steal_pointer(&name);
    node = first_child(root, "driver");
    if (node && first_child(node, "name"))
        parent->driver = node_text(first_child(node, "name"));
    /* libvirt only lists types the mdev core has registered */
    parent->registered = TRUE;
    collect_types(root, parent);
    g_ptr_array_sort(parent->types, mdev_type_compare);
    return g_steal_pointer(&parent);
}
