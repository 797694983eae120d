/*
 * The request categories (intents/taxonomy.json, a copy of the contract in
 * spec/taxonomy.json): their ids, the action a confident match takes and a
 * one-line description in Russian and English for clarifying questions.
 */
#ifndef INTENTS_TAXONOMY_H
#define INTENTS_TAXONOMY_H

#include <stddef.h>

enum action {
	ACTION_ANSWER,
	ACTION_CLARIFY,
	ACTION_HANDOFF,
	ACTION_DECLINE
};

struct taxon {
	char		*id;
	enum action	 action;
	char		*ru;
	char		*en;
};

struct taxonomy {
	struct taxon	*items;
	size_t		 n;
};

/*
 * Loads the taxonomy from the JSON file at path.  Returns 0, or -1 with an
 * allocated *errstr_r.  Release with taxonomy_clear().
 */
int		 taxonomy_load(const char *path, struct taxonomy *t,
		    char **errstr_r);
/* The same for the services citizens ask about (intents/topics.json, a
 * copy of spec/topics.json): ids and names, no action. */
int		 taxonomy_load_topics(const char *path, struct taxonomy *t,
		    char **errstr_r);
void		 taxonomy_clear(struct taxonomy *t);
/* The index of id in t, or -1. */
int		 taxonomy_index(const struct taxonomy *t, const char *id);

/* A family of categories this small ("login": four kinds of trouble
 * getting in) is asked about whole when two of it are close. */
#define TAXONOMY_FAMILY_ASK	4

/*
 * The family of category a (the part of its id before the dot), when the
 * likeliest two, a and b, are of one small family that answers: its
 * members in members[] (a and b first, then the taxonomy's order) and
 * their number, at most TAXONOMY_FAMILY_ASK.  0 otherwise.
 */
size_t		 taxonomy_small_family(const struct taxonomy *t, size_t a,
		    size_t b, int members[TAXONOMY_FAMILY_ASK]);

const char	*action_name(enum action);
/* 0 and *a_r for "answer", "clarify", "handoff", "decline"; else -1. */
int		 action_parse(const char *s, enum action *a_r);

#endif
