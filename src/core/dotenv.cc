#include "core/dotenv.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

extern char** environ;

namespace callbrief::core {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool IsValidName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Reads a double-quoted value starting after the opening quote; returns nullopt if unterminated.
std::optional<std::string> ReadDoubleQuoted(std::string_view rest, std::string_view* after) {
  std::string out;
  for (size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    if (c == '"') {
      *after = rest.substr(i + 1);
      return out;
    }
    if (c == '\\' && i + 1 < rest.size()) {
      char e = rest[++i];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        default:
          out += e;
          break;  // \" \\ \$ and anything else stand for themselves.
      }
      continue;
    }
    out += c;
  }
  return std::nullopt;
}

Result<std::string> ParseValue(std::string_view raw, int line_number) {
  std::string_view value = Trim(raw);
  auto trailing_ok = [](std::string_view after) {
    after = Trim(after);
    return after.empty() || after.front() == '#';
  };
  if (!value.empty() && value.front() == '"') {
    std::string_view after;
    auto parsed = ReadDoubleQuoted(value.substr(1), &after);
    if (!parsed || !trailing_ok(after)) {
      return Error::Config(
          fmt::format("line {}: unterminated or malformed double-quoted value", line_number));
    }
    return *parsed;
  }
  if (!value.empty() && value.front() == '\'') {
    size_t close = value.find('\'', 1);
    if (close == std::string_view::npos || !trailing_ok(value.substr(close + 1))) {
      return Error::Config(
          fmt::format("line {}: unterminated or malformed single-quoted value", line_number));
    }
    return std::string(value.substr(1, close - 1));
  }
  size_t comment = value.find(" #");
  if (comment != std::string_view::npos) value = Trim(value.substr(0, comment));
  return std::string(value);
}

}  // namespace

Result<std::map<std::string, std::string>> ParseDotEnv(std::string_view text) {
  std::map<std::string, std::string> values;
  int line_number = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_number;

    line = Trim(line);
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("export ")) line = Trim(line.substr(7));
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return Error::Config(fmt::format("line {}: expected NAME=value", line_number));
    }
    std::string_view name = Trim(line.substr(0, eq));
    if (!IsValidName(name)) {
      return Error::Config(fmt::format("line {}: \"{}\" is not a valid variable name", line_number,
                                       name.substr(0, 64)));
    }
    auto value = ParseValue(line.substr(eq + 1), line_number);
    if (!value) return value.error();
    values[std::string(name)] = std::move(*value);
  }
  return values;
}

Environment Environment::FromProcess() {
  std::map<std::string, std::string> values;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view kv(*entry);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    values.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return Environment(values);
}

Result<Environment> Environment::FromProcessAndDotEnv(const std::string& dotenv_path) {
  Environment env = FromProcess();
  std::ifstream file(dotenv_path, std::ios::binary);
  if (!file) return env;  // No .env file is the normal case in production.
  std::stringstream buffer;
  buffer << file.rdbuf();
  auto parsed = ParseDotEnv(buffer.str());
  if (!parsed) return parsed.error().WithContext(dotenv_path);
  for (auto& [name, value] : *parsed) env.values_.emplace(name, value);  // emplace keeps real ones.
  return env;
}

std::optional<std::string> Environment::Get(std::string_view name) const {
  if (read_names_ != nullptr) read_names_->emplace(name);
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace callbrief::core
