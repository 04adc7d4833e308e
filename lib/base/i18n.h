/*
 * i18n: messages in the user's language through gettext, in the text
 * domain "muni" (English is the source language; po/fr.po translates to
 * French). lib/ only looks messages up; the tool chooses the language with
 * msg_lang() at start-up.
 *
 * Format strings given to add_error() (lib/validate) and add() (lib/check)
 * are looked up there, and marked for xgettext by the keywords the
 * Makefile's update-po rule passes.
 */
#ifndef MUNI_I18N_H
#define MUNI_I18N_H

#include <libintl.h>

#define _(s) dgettext("muni", s)
#define N_(s) (s)

#endif
