#include "http/route.h"

namespace callbrief::http {

void Router::Get(const std::string& pattern, Handler handler, Where where) {
  Add("GET", pattern, std::move(handler), where);
}

void Router::Post(const std::string& pattern, Handler handler, Where where) {
  Add("POST", pattern, std::move(handler), where);
}

void Router::Add(std::string method, const std::string& pattern, Handler handler, Where where) {
  Route route{.method = std::move(method), .handler = std::move(handler), .where = where};
  if (pattern.find_first_of("()[]{}.*+?|^$\\") == std::string::npos) {
    route.literal = pattern;
  } else {
    route.regex.emplace(pattern, std::regex::ECMAScript);
  }
  routes_.push_back(std::move(route));
}

const Router::Route* Router::Find(const Request& req, std::smatch* matches) const {
  const std::string_view method = req.method == "HEAD" ? std::string_view("GET") : req.method;
  for (const Route& route : routes_) {
    if (route.method != method) continue;
    if (route.regex) {
      if (!std::regex_match(req.path, *matches, *route.regex)) continue;
    } else if (route.literal != req.path) {
      continue;
    }
    return &route;
  }
  return nullptr;
}

bool Router::Dispatch(Request& req, Response& res) const {
  const Route* route = Find(req, &req.matches);
  if (route == nullptr) return false;
  route->handler(req, res);
  return true;
}

bool Router::RunsInline(const Request& req) const {
  std::smatch ignored;
  const Route* route = Find(req, &ignored);
  return route != nullptr && route->where == Where::kInline;
}

}  // namespace callbrief::http
