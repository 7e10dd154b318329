/*
 * Replays fuzz inputs through a target's LLVMFuzzerTestOneInput without
 * libFuzzer, so every build (and CI) runs the kept corpora as a test.
 *
 *   fuzz-replay-NAME PATH...    (each PATH a file or a directory of files)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;

    if (!g_file_get_contents(path, &data, &len, &error)) {
        fprintf(stderr, "%s\n", error->message);
        return -1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    return 1;
}

int
main(int argc, char **argv)
{
    int n = 0;

    for (int i = 1; i < argc; i++) {
        if (g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
            g_autoptr(GDir) dir = g_dir_open(argv[i], 0, NULL);
            const char *name;
            if (!dir) {
                fprintf(stderr, "cannot open %s\n", argv[i]);
                return 1;
            }
            while ((name = g_dir_read_name(dir))) {
                g_autofree char *path = g_build_filename(argv[i], name, NULL);
                int r;
                if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
                    continue;
                if ((r = run_file(path)) < 0)
                    return 1;
                n += r;
            }
        } else {
            int r = run_file(argv[i]);
            if (r < 0)
                return 1;
            n += r;
        }
    }
    printf("replayed %d inputs\n", n);
    /* an empty corpus means a wrong path, not a pass */
    return n > 0 ? 0 : 1;
}
