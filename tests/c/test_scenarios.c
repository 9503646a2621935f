/* test_scenarios.c — runs every tests/scenarios/NAME.scn script; each is a timed spec of one
 * registration rule (see tools/scenario.h for the language). */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "scenario.h"

#include <dirent.h>
#include <stdlib.h>

/* qsort comparator for file names. */
static int by_name(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "tests/scenarios";
    DIR *d = opendir(dir);
    CHECK_MSG(d != NULL, "cannot open %s", dir);
    if (!d) return check_done("scenarios");
    char *names[512];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 512) {
        size_t l = strlen(e->d_name);
        if (l > 4 && !strcmp(e->d_name + l - 4, ".scn")) names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], by_name);
    CHECK(n > 0);
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t len;
        char *script = check_read_file(path, &len);
        CHECK_MSG(script != NULL, "cannot read %s", path);
        if (!script) continue;
        FILE *log = tmpfile();
        int r = scenario_run(script, len, path, log, 1);
        CHECK_MSG(r == 0, "%s: %d failed expectations (%s)", path, r,
                  r < 0 ? "script error" : "see log");
        if (r != 0 && log) {
            /* show the whole log of a failing scenario */
            rewind(log);
            char buf[4096];
            size_t got;
            while ((got = fread(buf, 1, sizeof buf, log)) > 0)
                fwrite(buf, 1, got, stderr);
        }
        printf("%s %s\n", r == 0 ? "ok  " : "FAIL", names[i]);
        if (log) fclose(log);
        free(script);
        free(names[i]);
    }
    return check_done("scenarios");
}
