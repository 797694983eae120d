/*
 * Why a message was decided as it was, for the editor who wants to know
 * which line to change: the normalised text the rules saw, every rule,
 * veto, "only" and priority line that matched with its file and line, the
 * full-text evidence and scores per category, and the decision with its
 * service (topic) fields.  Printed by `hotline intents why "text"`.
 */
#ifndef INTENTS_WHY_H
#define INTENTS_WHY_H

#include <stdio.h>

#include "intents/classifier.h"

/*
 * Classifies text[0..len) with ctx (of classifier c) and prints the
 * explanation to out.  Fills *v with the verdict as classify() would.
 */
void	why_print(const struct classifier *c, struct classify_ctx *ctx,
	    const char *text, size_t len, struct verdict *v, FILE *out);

#endif
