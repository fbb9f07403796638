/*
 * s7_incr.c: one incremental run (see s7_incr.h). Files are tracked by
 * line number: a run reads each file to its end, so "lines read" is the
 * whole position, and a compressed file (the same decoded lines as its
 * plain predecessor) continues where the plain one stopped.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "s1_rotate.h"
#include "s1_state.h"
#include "s7_incr.h"

#define SW_INCR_SUCCESS_WAIT_US ((int64_t)60 * 1000000)

struct sw_incr_file {
	char *path;
	struct sw_ident *id;	/* NULL: not a regular file */
	size_t old;		/* matched entry of the old state, or SIZE_MAX */
	uint64_t skip;		/* lines read by earlier runs */
	uint64_t lines;		/* lines read up to now */
	int rotated;		/* a rotated sibling (auth.log.1), not live */
	int excluded;		/* finished before: not read at all */
	int listed;		/* already in the paths to read */
};

struct sw_incr {
	char *path;
	int had;		/* a usable state was read */
	struct sw_state old, next;
	int *old_used;
	struct sw_incr_file *files;
	size_t nfiles;
	const char **paths;	/* to read */
	size_t npaths;
	int warned_cap;
};

static int
sw_is_regular(const char *p)
{
	struct stat st;

	return strcmp(p, "-") != 0 && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The old entry this identity continues, or SIZE_MAX. */
static size_t
sw_incr_match(struct sw_incr *in, const struct sw_ident *id)
{
	size_t i, best = SIZE_MAX;

	for (i = 0; i < in->old.nfiles; i++) {
		const struct sw_state_file *f = &in->old.files[i];
		if (in->old_used[i] || f->hashlen == 0 || id->len < f->hashlen ||
		    sw_ident_hash(id, f->hashlen) != f->hash)
			continue;
		if (best == SIZE_MAX || (f->dev == id->dev && f->ino == id->ino &&
		    !(in->old.files[best].dev == id->dev &&
		    in->old.files[best].ino == id->ino)) ||
		    f->hashlen > in->old.files[best].hashlen)
			best = i;
	}
	if (best != SIZE_MAX)
		in->old_used[best] = 1;
	return best;
}

static struct sw_incr_file *
sw_incr_add_file(struct sw_incr *in, const char *path)
{
	struct sw_incr_file *f;

	if (in->nfiles >= SW_STATE_MAX_FILES)
		return NULL;
	in->files = sw_xreallocarray(in->files, in->nfiles + 1,
	    sizeof(*in->files));
	f = &in->files[in->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = sw_xstrdup(path);
	f->old = SIZE_MAX;
	f->rotated = sw_input_set_base(path) != strlen(path);
	f->id = sw_xcalloc(1, sizeof(*f->id));
	if (sw_ident_read(path, f->id) != 0) {
		free(f->id);
		f->id = NULL;
		return f;
	}
	if ((f->old = sw_incr_match(in, f->id)) != SIZE_MAX) {
		const struct sw_state_file *o = &in->old.files[f->old];
		f->skip = f->lines = o->lines;
		f->excluded = o->done && f->rotated;
	}
	return f;
}

static struct sw_incr_file *
sw_incr_find(struct sw_incr *in, const char *path)
{
	size_t i;

	for (i = 0; i < in->nfiles; i++)
		if (strcmp(in->files[i].path, path) == 0)
			return &in->files[i];
	return NULL;
}

struct sw_incr *
sw_incr_new(const char *state_path, const char *const *paths, size_t npaths,
    FILE *err, int quiet)
{
	struct sw_incr *in = sw_xcalloc(1, sizeof(*in));
	struct sw_buf why;
	size_t i, j;
	int rc;

	in->path = sw_xstrdup(state_path);
	sw_buf_init(&why, 4096);
	rc = sw_state_load(&in->old, state_path, &why);
	if (rc == 1 && !quiet)
		fprintf(err, "sshwhy: state file %s does not exist yet: this "
		    "run reads all of the input (--since applies) and creates "
		    "it; later runs read only what is new\n", state_path);
	else if (rc < 0)
		fprintf(err, "sshwhy: state file %s %s: ignoring it and "
		    "reading all of the input as on a first run (--since "
		    "applies), so failed logins reported by earlier runs may "
		    "be reported again; the file is replaced at the end of "
		    "this run\n", state_path, why.p ? why.p : "is unusable");
	sw_buf_free(&why);
	in->had = rc == 0;
	in->old_used = sw_xcalloc(in->old.nfiles + 1, sizeof(int));
	memset(&in->next, 0, sizeof(in->next));
	in->next.runs = in->old.runs + 1;
	for (i = 0; i < in->old.ncauses; i++)
		sw_state_add_cause(&in->next, in->old.causes[i]);
	for (i = 0; i < in->old.nusers; i++)
		sw_state_add_user(&in->next, in->old.users[i]);
	for (i = 0; i < in->old.njournals; i++)
		sw_state_add_journal(&in->next, in->old.journals[i].source,
		    in->old.journals[i].time_us, in->old.journals[i].cursor,
		    strlen(in->old.journals[i].cursor));
	for (i = 0; i < in->old.nyears; i++)
		sw_state_set_year(&in->next, in->old.years[i].set,
		    in->old.years[i].year, in->old.years[i].mon);
	sw_state_sort_pending(&in->old);

	in->paths = sw_xcalloc(npaths + SW_STATE_MAX_FILES + 1,
	    sizeof(*in->paths));
	for (i = 0; i < npaths; i++) {
		char **sib;
		size_t nsib;

		if (!sw_is_regular(paths[i])) {
			in->paths[in->npaths++] = paths[i];
			continue;
		}
		sib = sw_rotated_siblings(paths[i], &nsib);
		for (j = 0; j < nsib; j++) {
			struct sw_incr_file *f = sw_incr_find(in, sib[j]);
			if (f == NULL && (f = sw_incr_add_file(in, sib[j])) == NULL) {
				if (!in->warned_cap++)
					fprintf(err, "sshwhy: --state tracks at "
					    "most %d files; %s and later ones "
					    "are read whole\n",
					    SW_STATE_MAX_FILES, sib[j]);
				if (in->npaths < npaths + SW_STATE_MAX_FILES)
					in->paths[in->npaths++] = paths[i];
				free(sib[j]);
				continue;
			}
			/* auth.log.1 auth.log: one set, each file once. */
			if (!f->excluded && !f->listed && in->npaths < npaths +
			    SW_STATE_MAX_FILES) {
				in->paths[in->npaths++] = f->path;
				f->listed = 1;
			}
			free(sib[j]);
		}
		free(sib);
	}
	return in;
}

void
sw_incr_free(struct sw_incr *in)
{
	size_t i;

	if (in == NULL)
		return;
	for (i = 0; i < in->nfiles; i++) {
		free(in->files[i].path);
		free(in->files[i].id);
	}
	free(in->files);
	free(in->paths);
	free(in->old_used);
	sw_state_free(&in->old);
	sw_state_free(&in->next);
	free(in->path);
	free(in);
}

const char *const *
sw_incr_paths(const struct sw_incr *in, size_t *n)
{
	*n = in->npaths;
	return in->paths;
}

static char *
sw_set_key(const char *path)
{
	return sw_xstrndup(path, sw_input_set_base(path));
}

void
sw_incr_year(const struct sw_incr *in, const char *set_path, int *year,
    int *mon)
{
	char *k = sw_set_key(set_path);
	const struct sw_state_year *y = sw_state_find_year(&in->old, k);

	*year = y ? y->year : 0;
	*mon = y ? y->mon : 0;
	free(k);
}

void
sw_incr_saw(struct sw_incr *in, const char *set_path, int64_t time_us,
    int utc_off_min)
{
	int64_t secs = time_us / 1000000 + (int64_t)utc_off_min * 60;
	int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int64_t y;
	int m, d;
	char *k;

	sw_civil_from_days(days, &y, &m, &d);
	if (y < 1970 || y > 9999)
		return;
	k = sw_set_key(set_path);
	sw_state_set_year(&in->next, k, (int)y, m);
	free(k);
}

int
sw_incr_skip_line(struct sw_incr *in, const char *name, size_t *entry,
    const struct sw_line *line)
{
	struct sw_incr_file *f;

	if (*entry == SIZE_MAX - 1) {
		*entry = SIZE_MAX;
		if (line->cursor.len == 0 && sw_is_regular(name)) {
			if ((f = sw_incr_find(in, name)) == NULL)
				f = sw_incr_add_file(in, name);
			if (f != NULL && f->id != NULL)
				*entry = (size_t)(f - in->files);
		}
	}
	if (*entry == SIZE_MAX)
		return 0;
	f = &in->files[*entry];
	if (line->lineno <= f->skip)
		return 1;
	if (line->lineno > f->lines)
		f->lines = line->lineno;
	return 0;
}

int
sw_incr_skip_entry(struct sw_incr *in, const struct sw_line *line,
    const struct sw_record *rec)
{
	size_t i;

	if (line->cursor.len == 0)
		return 0;
	for (i = 0; i < in->old.njournals; i++) {
		const struct sw_state_journal *j = &in->old.journals[i];
		if (strcmp(j->source, line->origin) != 0)
			continue;
		if (rec->time_us < j->time_us || (rec->time_us == j->time_us &&
		    sw_span_eq_str(line->cursor, j->cursor)))
			return 1;
		break;
	}
	sw_state_add_journal(&in->next, line->origin, rec->time_us,
	    line->cursor.p, line->cursor.len);
	return 0;
}

const struct sw_state *
sw_incr_old(const struct sw_incr *in)
{
	return &in->old;
}

int
sw_incr_defer(struct sw_incr *in, const struct sw_conn *c, int64_t newest_us,
    int64_t idle_us)
{
	size_t i;

	if (c->closed || c->nevidence == 0 || c->last_us + idle_us < newest_us ||
	    in->next.npending + c->nevidence > SW_STATE_MAX_PENDING)
		return 0;
	/* A success can still turn into a refused session, but only soon. */
	if (c->outcome == SW_OUTCOME_SUCCESS &&
	    c->last_us + SW_INCR_SUCCESS_WAIT_US < newest_us)
		return 0;
	for (i = 0; i < c->nevidence; i++) {
		const struct sw_evidence *e = &c->evidence[i];
		sw_state_add_pending(&in->next, e->time_us, e->lineno, e->origin,
		    e->text, e->text_len);
	}
	return 1;
}

struct sw_state *
sw_incr_next(struct sw_incr *in)
{
	return &in->next;
}

int
sw_incr_had_state(const struct sw_incr *in)
{
	return in->had;
}

int
sw_incr_commit(struct sw_incr *in, FILE *err)
{
	struct sw_buf why;
	size_t i;
	int rc;

	for (i = 0; i < in->nfiles; i++) {
		const struct sw_incr_file *f = &in->files[i];
		struct sw_state_file *n;

		if (f->id == NULL || (n = sw_state_add_file(&in->next,
		    f->path)) == NULL)
			continue;
		n->dev = f->id->dev;
		n->ino = f->id->ino;
		if (f->excluded) {
			/* Not read: keep what the old state knew of it. */
			const struct sw_state_file *o = &in->old.files[f->old];
			n->hashlen = o->hashlen;
			n->hash = o->hash;
			n->lines = o->lines;
			n->done = 1;
			continue;
		}
		n->hashlen = f->id->len;
		n->hash = sw_ident_hash(f->id, f->id->len);
		n->lines = f->lines;
		n->done = f->rotated;
	}
	sw_buf_init(&why, 4096);
	if ((rc = sw_state_save(&in->next, in->path, &why)) != 0)
		fprintf(err, "sshwhy: cannot write the state file %s: %s; the "
		    "next run reads this run's input again\n", in->path,
		    why.p ? why.p : "");
	sw_buf_free(&why);
	return rc;
}
