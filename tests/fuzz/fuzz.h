/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The interface between a fuzz target and what runs it: libFuzzer for
 * "make fuzz", tests/fuzz/fuzz-replay.c (an ordinary main()) for the corpus
 * replays of "make check". */

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

G_BEGIN_DECLS

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A critical or a warning is a bug the fuzzer should report, as in
 * "make check" (G_DEBUG=fatal-criticals). GLib's own fatal handling raises
 * SIGTRAP, which libFuzzer does not catch, so no reproducer would be saved:
 * abort instead. Debug messages are dropped. */
static GLogWriterOutput
fuzz_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
    if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) {
        g_log_writer_standard_streams(level, fields, n_fields, user_data);
        abort();
    }
    return G_LOG_WRITER_HANDLED;
}

static inline void
fuzz_setup(void)
{
    g_log_set_writer_func(fuzz_log_writer, NULL, NULL);
}

G_END_DECLS
