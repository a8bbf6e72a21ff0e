#include "fakes/strict_schema.h"

#include <array>
#include <set>

namespace callbrief::fakes {
namespace {

using json = nlohmann::json;

constexpr std::array kForbidden = {"allOf",
                                   "not",
                                   "if",
                                   "then",
                                   "else",
                                   "dependentRequired",
                                   "dependentSchemas",
                                   "patternProperties"};
const std::set<std::string> kTypes = {"string", "number", "boolean", "integer",
                                      "object", "array",  "null"};

std::string Context(const std::vector<std::string>& path) {
  std::string out = "(";
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i > 0) out += ", ";
    out += "'" + path[i] + "'";
  }
  if (path.size() == 1) out += ",";
  return out + ")";
}

std::vector<std::string> TypesOf(const json& schema) {
  std::vector<std::string> types;
  auto it = schema.find("type");
  if (it == schema.end()) return types;
  if (it->is_string()) types.push_back(it->get<std::string>());
  if (it->is_array()) {
    for (const json& t : *it) {
      if (t.is_string()) types.push_back(t.get<std::string>());
    }
  }
  return types;
}

bool Has(const std::vector<std::string>& types, const std::string& type) {
  return std::find(types.begin(), types.end(), type) != types.end();
}

std::optional<std::string> Check(const json& schema, std::vector<std::string>& path) {
  auto problem = [&](const std::string& what) {
    return std::optional<std::string>("In context=" + Context(path) + ", " + what);
  };
  if (!schema.is_object()) return problem("schema must be an object.");
  for (const char* keyword : kForbidden) {
    if (schema.contains(keyword))
      return problem("'" + std::string(keyword) + "' is not permitted.");
  }
  if (schema.contains("$ref")) return std::nullopt;
  if (auto any = schema.find("anyOf"); any != schema.end()) {
    if (!any->is_array() || any->empty()) return problem("'anyOf' must be a non-empty array.");
    for (std::size_t i = 0; i < any->size(); ++i) {
      path.push_back("anyOf");
      path.push_back(std::to_string(i));
      auto inner = Check((*any)[i], path);
      path.resize(path.size() - 2);
      if (inner) return inner;
    }
    return std::nullopt;
  }
  std::vector<std::string> types = TypesOf(schema);
  if (types.empty() && !schema.contains("enum") && !schema.contains("const")) {
    return problem("schema must have a 'type' key.");
  }
  for (const std::string& type : types) {
    if (!kTypes.count(type)) return problem("'" + type + "' is not a valid type.");
  }
  if (Has(types, "object")) {
    auto extra = schema.find("additionalProperties");
    if (extra == schema.end() || !extra->is_boolean() || extra->get<bool>()) {
      return problem("'additionalProperties' is required to be supplied and to be false.");
    }
    json properties = schema.value("properties", json::object());
    auto required = schema.find("required");
    if (required == schema.end() || !required->is_array()) {
      return problem(
          "'required' is required to be supplied and to be an array including every key in "
          "properties.");
    }
    std::set<std::string> listed;
    for (const json& key : *required) {
      if (key.is_string()) listed.insert(key.get<std::string>());
    }
    for (const auto& [key, _] : properties.items()) {
      if (!listed.count(key)) {
        return problem(
            "'required' is required to be supplied and to be an array including every key in "
            "properties. Missing '" +
            key + "'.");
      }
    }
    for (const std::string& key : listed) {
      if (!properties.contains(key)) return problem("Extra required key '" + key + "' supplied.");
    }
    for (const auto& [key, property] : properties.items()) {
      path.push_back("properties");
      path.push_back(key);
      auto inner = Check(property, path);
      path.resize(path.size() - 2);
      if (inner) return inner;
    }
  }
  if (Has(types, "array")) {
    if (!schema.contains("items")) return problem("array schema missing items.");
    path.push_back("items");
    auto inner = Check(schema["items"], path);
    path.pop_back();
    if (inner) return inner;
  }
  return std::nullopt;
}

struct Builder {
  const json& root;
  const std::map<std::string, json>& values;

  const json& Resolve(const json& schema) const {
    auto ref = schema.find("$ref");
    if (ref == schema.end() || !ref->is_string()) return schema;
    std::string pointer = ref->get<std::string>();
    if (pointer.rfind("#", 0) != 0) return schema;
    try {
      return root.at(json::json_pointer(pointer.substr(1)));
    } catch (const json::exception&) {
      return schema;
    }
  }

  static bool Fits(const json& value, const std::vector<std::string>& types) {
    if (types.empty()) return true;
    for (const std::string& type : types) {
      if ((type == "string" && value.is_string()) || (type == "array" && value.is_array()) ||
          (type == "object" && value.is_object()) || (type == "boolean" && value.is_boolean()) ||
          (type == "null" && value.is_null()) || (type == "integer" && value.is_number_integer()) ||
          (type == "number" && value.is_number())) {
        return true;
      }
    }
    return false;
  }

  json Build(const json& schema_in, const std::string& name) const {
    const json& schema = Resolve(schema_in);
    if (!schema.is_object()) return nullptr;
    std::vector<std::string> types = TypesOf(schema);
    if (auto it = values.find(name); it != values.end() && Fits(it->second, types)) {
      auto options = schema.find("enum");
      if (options == schema.end() ||
          std::find(options->begin(), options->end(), it->second) != options->end()) {
        return it->second;
      }
    }
    if (schema.contains("const")) return schema["const"];
    if (auto options = schema.find("enum");
        options != schema.end() && options->is_array() && !options->empty()) {
      for (const json& option : *options) {
        if (!option.is_null()) return option;
      }
      return (*options)[0];
    }
    if (auto any = schema.find("anyOf"); any != schema.end() && any->is_array()) {
      for (const json& branch : *any) {
        if (TypesOf(Resolve(branch)) != std::vector<std::string>{"null"}) {
          return Build(branch, name);
        }
      }
      return nullptr;
    }
    std::string type;
    for (const std::string& t : types) {
      if (t != "null") {
        type = t;
        break;
      }
    }
    if (type == "object") {
      json out = json::object();
      const json properties = schema.value("properties", json::object());
      for (const auto& [key, property] : properties.items()) {
        out[key] = Build(property, key);
      }
      return out;
    }
    if (type == "array") {
      json out = json::array();
      int count = std::max(1, schema.value("minItems", 1));
      for (int i = 0; i < count; ++i)
        out.push_back(Build(schema.value("items", json::object()), name));
      return out;
    }
    if (type == "string") {
      std::string format = schema.value("format", "");
      if (format == "date") return "2026-11-25";
      if (format == "date-time") return "2026-11-25T10:00:00Z";
      return "emulated " + (name.empty() ? std::string("text") : name);
    }
    if (type == "integer") return schema.value("minimum", 1);
    if (type == "number") return schema.value("minimum", 1.0);
    if (type == "boolean") return true;
    return nullptr;
  }
};

}  // namespace

std::optional<std::string> StrictSchemaProblem(const json& schema) {
  if (!schema.is_object() || schema.value("type", json()) != "object") {
    return "schema must be a JSON Schema of 'type: \"object\"', got 'type: \"" +
           (schema.is_object() && schema.contains("type") ? schema["type"].dump() : "None") +
           "\"'.";
  }
  std::vector<std::string> path;
  if (auto problem = Check(schema, path)) return problem;
  for (const char* defs : {"$defs", "definitions"}) {
    if (!schema.contains(defs) || !schema[defs].is_object()) continue;
    for (const auto& [key, def] : schema[defs].items()) {
      path = {defs, key};
      if (auto problem = Check(def, path)) return problem;
    }
  }
  return std::nullopt;
}

bool IsValidSchemaName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

json BuildInstance(const json& schema, const std::map<std::string, json>& values) {
  return Builder{schema, values}.Build(schema, "");
}

}  // namespace callbrief::fakes
