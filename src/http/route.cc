#include "http/route.h"

namespace callbrief::http {

void Router::Get(const std::string& pattern, Handler handler) {
  Add("GET", pattern, std::move(handler));
}

void Router::Post(const std::string& pattern, Handler handler) {
  Add("POST", pattern, std::move(handler));
}

void Router::Add(std::string method, const std::string& pattern, Handler handler) {
  Route route{.method = std::move(method), .handler = std::move(handler)};
  if (pattern.find_first_of("()[]{}.*+?|^$\\") == std::string::npos) {
    route.literal = pattern;
  } else {
    route.regex.emplace(pattern, std::regex::ECMAScript);
  }
  routes_.push_back(std::move(route));
}

bool Router::Dispatch(Request& req, Response& res) const {
  const std::string_view method = req.method == "HEAD" ? std::string_view("GET") : req.method;
  for (const Route& route : routes_) {
    if (route.method != method) continue;
    if (route.regex) {
      if (!std::regex_match(req.path, req.matches, *route.regex)) continue;
    } else if (route.literal != req.path) {
      continue;
    }
    route.handler(req, res);
    return true;
  }
  return false;
}

}  // namespace callbrief::http
