/* sipreg.c — the native CLI (debugging and checks). Grows with the core. */
#include "sipreg.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "version") == 0) {
        puts(SIPREG_VERSION);
        return 0;
    }
    fprintf(stderr, "usage: sipreg version\n");
    return 2;
}
