/*
 * s1_rotate.h: stage 1, rotation names: which files make one rotated set
 * (auth.log.2.gz, auth.log.1, auth.log) and their order, oldest first;
 * which names a directory listing reads. Used by the input stage's plan
 * and by s1_archive for tar members. Includes only stage 0.
 */
#ifndef SW_S1_ROTATE_H
#define SW_S1_ROTATE_H

#include <stddef.h>

/*
 * The sort key that puts rotated files oldest first.
 * Returns <0, 0, >0 like strcmp, comparing two path names.
 */
int sw_input_rotation_cmp(const char *a, const char *b);

/*
 * Length of the part of `path` that names its rotated set: the path
 * without rotation (.N, -YYYYMMDD) and compression suffixes. Two paths
 * belong to one set when these prefixes are equal ("auth.log.2.gz" and
 * "auth.log" share "auth.log").
 */
size_t sw_input_set_base(const char *path);

/*
 * Whether a directory entry (a last path component) is a log we read:
 * without rotation and compression suffixes, auth.log, secure, messages,
 * syslog, or a name ending in ".log".
 */
int sw_name_selected(const char *name);

#endif
