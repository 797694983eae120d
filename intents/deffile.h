/*
 * Parser of the editors' category files (docs/categories.md).  Pure: bytes
 * in, definitions or "file:line: reason" messages out.  Patterns and word
 * lists are only collected here, as the editor wrote them; lists are shared
 * by every file, so intents/editform.c turns the editor form into PCRE2
 * once all files are read, and intents/rules.c compiles that and reports
 * PCRE2 errors with the same file and line.
 */
#ifndef INTENTS_DEFFILE_H
#define INTENTS_DEFFILE_H

#include <stddef.h>

enum def_pattern_kind {
	DEF_RULE,	/* evidence with a weight */
	DEF_NOT,	/* rules the category out */
	DEF_PRIORITY,	/* incident priority */
	DEF_ONLY	/* evidence when the message is nothing but this */
};

struct def_pattern {
	enum def_pattern_kind	 kind;
	int			 weight;	/* DEF_RULE, DEF_ONLY: 1..10 */
	int			 priority;	/* DEF_PRIORITY: PRIORITY_* */
	char			*source;	/* as the editor wrote it */
	char			*pattern;	/* PCRE2 made from source by
						   editform_resolve(); NULL
						   before, or after an error */
	char			*file;
	size_t			 line;
};

/* A named word list ("list bank сбер*, тинькофф"), used as @bank. */
struct def_list {
	char			*name;
	char			*items;		/* as the editor wrote them */
	char			*file;
	size_t			 line;
};

struct def_intent {
	char			*id;
	char			*action;	/* NULL: the taxonomy's */
	char			*article;
	size_t			 article_line;
	int			 register_request;	/* -1 unset, 0, 1 */
	int			 weak;	/* gives way to any other evidence */
	int			 services;	/* DEF_SERVICES_* */
	int			 lead_section;	/* DEF_SERVICES_LEAD: the
						   service article's section
						   (enum article_section) */
	int			 lead_far;	/* … only for a service far
						   ahead of the others */
	int			 default_priority;	/* PRIORITY_NONE unset */
	struct def_pattern	*patterns;
	size_t			 npatterns;
	char			**examples;
	size_t			*example_lines;
	size_t			 nexamples;
	char			*file;
	size_t			 line;
};

/*
 * What a category does with a message about a particular service (a topic
 * of intents/topics.json): answer with the service's article instead of
 * its own general one, lead with its own answer and go on with one
 * section of the service's article (an error in a form, a status, a
 * failing page: what to do about it, then the service's steps, timing or
 * other ways to get it), only record the service (complaints: the request
 * is registered with it, the general text answers), or ignore services
 * (greetings, contacts).
 */
enum {
	DEF_SERVICES_NO = 0,
	DEF_SERVICES_ANSWER,
	DEF_SERVICES_RECORD,
	DEF_SERVICES_LEAD
};

struct def_set {
	struct def_intent	*intents;
	size_t			 n;
	struct def_list		*lists;		/* shared by every file */
	size_t			 nlists;
};

/* Incident priorities, most urgent first. */
enum {
	PRIORITY_NONE = -1,
	PRIORITY_CRITICAL = 0,
	PRIORITY_HIGH,
	PRIORITY_MEDIUM,
	PRIORITY_LOW
};

/* "critical" … "low"; NULL for PRIORITY_NONE. */
const char	*def_priority_name(int);
/* PRIORITY_* for a name, PRIORITY_NONE when unknown. */
int		 def_priority_parse(const char *, size_t);

/* A callback receiving each error message (borrowed for the call). */
typedef void	(*def_error_fn)(void *arg, const char *msg);

/*
 * Parses the file name with contents buf[0..len) and appends its categories
 * to set.  Each problem is passed to err as "name:line: reason"; parsing
 * goes on after an error so that an editor sees them all.  Returns the
 * number of errors.
 */
size_t	deffile_parse(const char *name, const char *buf, size_t len,
	    struct def_set *set, def_error_fn err, void *arg);

/* Frees everything set holds and empties it. */
void	deffile_set_clear(struct def_set *set);

/* The category of set with id, or NULL. */
const struct def_intent *deffile_find(const struct def_set *set,
	    const char *id);

/* The list of set called name[0..len), or NULL. */
const struct def_list *deffile_find_list(const struct def_set *set,
	    const char *name, size_t len);

/* "rule", "not", "priority" or "only": the keyword of a pattern line. */
const char	*def_kind_name(enum def_pattern_kind);

#endif
