#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "store/call.h"

namespace callbrief::http {

using QueryParams = std::multimap<std::string, std::string>;

// Reads the Calls list filters from a query string:
//   stage=failed,skipped  direction=incoming  from=2026-11-01  to=2026-11-02T12:00:00+03:00
//   number=7900  manager=<portal user id>  sentiment=positive|neutral|negative
//   answer=<question id>:<answer>  (a custom question's answer; "*" for any; issue 16, item 3)
//   tracker=<tracker id>: calls with a hit of that tracker
//   limit=50 (1…200)  cursor=<next_cursor of the previous page>
// Unknown stage/direction names and unreadable dates are kInvalidInput naming the parameter.
core::Result<store::CallQuery> ParseCallQuery(const QueryParams& params);

// JSON shapes of the API (documented in docs/api.md). Times are RFC 3339 UTC strings; absent
// facts are null. One exception: `started_at` is the time the event arrived until the call's
// real start is known (it orders the list).
nlohmann::json CallToJson(const store::CallRecord& call);
// `portal_url` ("https://portal.bitrix24.ru", may be empty) makes `crm.url` a link to the entity.
nlohmann::json CallDetailsToJson(const store::CallDetails& details,
                                 std::string_view portal_url = {});
// Each call of the page carries `brief`: its summary facts from `briefs`, or null; after a search
// (`searched`), `hits` too: where the words were found, each with `in` ("transcript" or
// "summary"), `start_ms` (the segment's start; null in the summary), `speaker` and `snippet`, a
// list of {text, hit} pieces of plain text (never markup; the UI escapes it and marks hits).
nlohmann::json CallPageToJson(const store::CallPage& page,
                              std::span<const store::SummaryBrief> briefs = {},
                              bool searched = false);

// The managers filter's options: [{id, name, calls}].
nlohmann::json ManagersToJson(std::span<const store::ManagerRef> managers);

}  // namespace callbrief::http
