/*
 * The notifier's one call, so that a channel never checks for an empty
 * notifier itself.
 */
#include "agent/core/notify.h"

#include <stddef.h>

void
notify_changed(const struct notify *n, int64_t conv, int queue)
{
	if (n == NULL)
		return;
	if (conv > 0 && n->conv_changed != NULL)
		n->conv_changed(n->arg, conv);
	if (queue && n->queue_changed != NULL)
		n->queue_changed(n->arg);
}
