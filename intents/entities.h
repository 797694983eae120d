/*
 * Entities in a citizen's message: request numbers of this agent, ИНН,
 * СНИЛС, Russian phone numbers, e-mail addresses and passport numbers, each
 * with its byte span and a normalised value.  Extraction is a pure function
 * of bytes and length; numbers whose check digits are wrong are not
 * entities at all.
 */
#ifndef INTENTS_ENTITIES_H
#define INTENTS_ENTITIES_H

#include <stddef.h>

#include "lib/limits.h"

enum entity_type {
	ENTITY_REQUEST_NUMBER,
	ENTITY_INN,
	ENTITY_SNILS,
	ENTITY_PHONE,
	ENTITY_EMAIL,
	ENTITY_PASSPORT,
	ENTITY__COUNT
};

/* Room for a normalised value and its NUL; longer e-mails are not kept. */
#define ENTITY_VALUE_MAX	96

struct entity {
	enum entity_type	 type;
	size_t			 start;	/* byte span in the input */
	size_t			 len;
	char			 value[ENTITY_VALUE_MAX]; /* normalised, NUL-
							   terminated */
};

struct entity_list {
	size_t		count;
	struct entity	items[LIMIT_ENTITIES];
};

/*
 * Finds the entities of text[0..len) (any bytes: invalid UTF-8 and NULs are
 * fine; text may be NULL when len is 0) in time linear in len.  Fills *out:
 * at most LIMIT_ENTITIES entities in text order, a repeated type and value
 * kept once.  Values: request_number "2026-000123", inn its 10 or 12
 * digits, snils "123-456-789 01", phone "+7XXXXXXXXXX", email in lower
 * case, passport its 10 digits.  Never fails.
 */
void	entities_extract(const char *text, size_t len,
	    struct entity_list *out);

/*
 * Adds an entity of type with value (NUL-terminated) found elsewhere (a
 * letter's subject, its signature) to out, unless out is full or already
 * holds that type and value; it has no span in the text.
 */
void	entities_add(struct entity_list *out, enum entity_type type,
	    const char *value);

/*
 * The name of an entity type as the eval format spells it
 * ("request_number", "inn", ...); a static string, "unknown" when out of
 * range.
 */
const char *entity_type_name(enum entity_type);

/* Returns 1 when digits[0..n) is 10 or 12 ASCII digits with valid ИНН
 * check digits, else 0. */
int	entities_inn_valid(const char *digits, size_t n);

/* Returns 1 when digits[0..n) is 11 ASCII digits whose last two are the
 * СНИЛС check number of the first nine, else 0. */
int	entities_snils_valid(const char *digits, size_t n);

#endif
