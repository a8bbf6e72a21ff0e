#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "notify/message.h"

namespace callbrief::notify {

// Telegram refuses a text longer than this after entity parsing ("message is too long"). Whether
// it counts UTF-16 units or code points is disputed; UTF-16 units are never fewer, so counting
// them is safe.
inline constexpr std::size_t kTelegramMaxTextUtf16 = 4096;

// Telegram keeps at most this many formatting entities of a message (bold, italic, links, code,
// pre, quotes …; custom emoji aside) and drops the rest without an error: tdlib/td
// td/telegram/MessageEntity.cpp get_input_message_entities, MAX_USER_ENTITY_COUNT = 100
// ("server-side limit"), the Bot API sending through it. A transcript of 150 short lines, each
// with a bold speaker name, would lose the bold from line 90 or so on.
inline constexpr std::size_t kTelegramMaxEntities = 100;

// The call as Telegram messages in HTML parse mode, in order: the seed's message (a header by
// direction, then the seed's sections with their emoji headings, see telegram_format.cc: От/Кому,
// summary, key points, tasks, client request, next steps, tone), plus where known the date, the
// manager, the CRM client as a link and a link to our call page, and, when the message carries a
// transcript, a transcript section in an expandable quote. Sections with nothing to show are left
// out. Every string from the message is cleaned (CleanText) and HTML-escaped. A text over
// kTelegramMaxTextUtf16 visible UTF-16 units or kTelegramMaxEntities entities
// (TelegramEntityCount) is split at line boundaries (a single longer line at a space, or anywhere
// if it has none), closing the tags open at the cut and reopening them in the next part. Never
// returns an empty vector. Pure.
std::vector<std::string> FormatTelegramMessages(const CallMessage& message);

// The same unsplit, for the golden test and for measuring.
std::string FormatTelegramHtml(const CallMessage& message);

// `text` with & < > written as &amp; &lt; &gt; (and " as &quot;, for attribute values). Pure.
std::string EscapeHtml(std::string_view text);

// Whether Telegram keeps a link to `url`: it silently drops links whose host has no '.' (tdlib/td
// LinkManager.cpp check_link_impl, "Wrong HTTP URL"; MessageEntity.cpp parse_html keeps the
// text, loses the link) — e.g. PUBLIC_URL=http://localhost:8080 or http://callbrief:8080.
// IPv6 literals are kept. The formatter prints such URLs as text instead of a link.
bool TelegramKeepsLink(std::string_view url);

// The UTF-16 length of what Telegram shows for `html` we produced: tags count nothing, an entity
// one unit. Pure.
std::size_t VisibleUtf16Length(std::string_view html);

// What a person reads in `html` we produced, as plain text for a terminal: tags dropped, a link
// shown as "text (href)", entities decoded. Pure.
std::string PlainTextFromHtml(std::string_view html);

// How many formatting entities Telegram counts toward kTelegramMaxEntities for `html` we produced
// — never fewer: each tag one (<tg-emoji> none), a bold/italic/… tag one more for each
// bold/italic/… element it is nested in, since Telegram cuts the outer one there. Pure.
std::size_t TelegramEntityCount(std::string_view html);

// Splits well-formed `html` (tags closed in order, no '<' or '>' outside tags, text as CleanText
// leaves it: no tabs or control characters) into parts of at most `max_units` visible UTF-16
// units and `max_entities` entities (TelegramEntityCount) as FormatTelegramMessages describes. A
// part exceeds `max_entities` only when the tags nested at one place cost more than that. Blank
// lines at the edges of a part are dropped. Pure.
std::vector<std::string> SplitTelegramHtml(std::string_view html, std::size_t max_units,
                                           std::size_t max_entities = kTelegramMaxEntities);

}  // namespace callbrief::notify
