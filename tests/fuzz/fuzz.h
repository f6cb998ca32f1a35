/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The interface between a fuzz target and what runs it: libFuzzer for
 * "make fuzz", tests/fuzz/fuzz-replay.c (an ordinary main()) for the corpus
 * replays of "make check". */

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A critical or a warning is a bug the fuzzer should report, as in
 * "make check" (G_DEBUG=fatal-criticals). */
static inline void
fuzz_setup(void)
{
    g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}

G_END_DECLS
