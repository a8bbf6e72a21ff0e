#pragma once

// The route table: which handler answers which method and path. Independent of the HTTP library
// (see http_message.h).

#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "http/http_message.h"

namespace callbrief::http {

using Handler = std::function<void(const Request&, Response&)>;

class Router {
 public:
  // Where a handler runs. kInline: on the network thread that read the request, for handlers
  // that never block (no database, no file, no lock held long) — it saves two thread switches.
  enum class Where { kPool, kInline };

  // `pattern` must match the whole path; it is a regular expression (ECMAScript) whose groups
  // end up in Request::matches. A GET route also answers HEAD.
  void Get(const std::string& pattern, Handler handler, Where where = Where::kPool);
  void Post(const std::string& pattern, Handler handler, Where where = Where::kPool);

  // Runs the handler of the first route matching the request; false when none does.
  bool Dispatch(Request& req, Response& res) const;
  // Whether the route that would answer `req` is kInline.
  bool RunsInline(const Request& req) const;

 private:
  struct Route {
    std::string method;
    std::string literal{};  // Set when the pattern has no special characters: compared as is.
    std::optional<std::regex> regex{};
    Handler handler;
    Where where = Where::kPool;
  };
  void Add(std::string method, const std::string& pattern, Handler handler, Where where);
  const Route* Find(const Request& req, std::smatch* matches) const;

  std::vector<Route> routes_;
};

}  // namespace callbrief::http
