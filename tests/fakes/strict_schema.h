#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace callbrief::fakes {

// OpenAI's rules for response_format json_schema with strict: true (structured outputs): the
// root is an object; every object lists all its properties in `required` and sets
// additionalProperties: false; arrays have `items`; only the supported types and keywords
// (no allOf, not, if/then/else, dependentRequired, dependentSchemas, patternProperties).
// Returns nullopt when `schema` obeys, else the problem worded as OpenAI words it:
// "In context=('properties', 'tasks', 'items'), 'additionalProperties' is required to be
// supplied and to be false."
std::optional<std::string> StrictSchemaProblem(const nlohmann::json& schema);

// A name for json_schema.name: 1–64 of [A-Za-z0-9_-].
bool IsValidSchemaName(const std::string& name);

// A valid instance of `schema` (the subset above, plus $defs/$ref, anyOf, enum, const, type
// unions, minItems, minimum, format date/date-time): the first enum value, one array item (or
// minItems), a non-null branch of a nullable type, and for a string the property's name
// ("emulated summary"). `values` replaces the generated value of any property so named, at any
// depth, when it fits the property's schema type.
nlohmann::json BuildInstance(const nlohmann::json& schema,
                             const std::map<std::string, nlohmann::json>& values = {});

}  // namespace callbrief::fakes
