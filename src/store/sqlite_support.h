#pragma once

// Helpers shared by the SQLite store's source files; nothing outside src/store includes this.

#include <cstdint>
#include <optional>
#include <string_view>

#include <SQLiteCpp/SQLiteCpp.h>

#include "core/error.h"
#include "store/call.h"

namespace callbrief::store::sqlite {

// SQLite errors become values here, at the library boundary. A busy or locked database and I/O
// trouble are worth retrying; anything else is a bug or a damaged file.
core::Error FromSqlite(const SQLite::Exception& e, std::string_view doing);

template <typename T>
void BindOptional(SQLite::Statement& st, const char* name, const std::optional<T>& value) {
  if (value) {
    st.bind(name, *value);
  } else {
    st.bind(name);
  }
}

std::optional<std::int64_t> OptionalInt64(const SQLite::Column& c);
std::optional<int> OptionalInt(const SQLite::Column& c);
std::optional<double> OptionalDouble(const SQLite::Column& c);

// The columns ReadCall expects, in its order.
extern const std::string_view kCallColumns;
CallRecord ReadCall(SQLite::Statement& st);

}  // namespace callbrief::store::sqlite
