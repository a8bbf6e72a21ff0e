# Precompiled headers for the heavy third-party headers, applied to every target of the tree in one
# place instead of in each CMakeLists.txt. Measured on this project (g++ 12, -O2 -g): including
# nlohmann/json.hpp costs ~2.5 s of CPU per file, gtest/gtest.h ~1.6 s; about 150 files include
# one or both. Each target compiles its own header once (~4 s), so only targets with at least
# CALLBRIEF_PCH_MIN_SOURCES sources get one.
#
# Off by default (scripts/build passes CALLBRIEF_PCH from the environment): GCC embeds the absolute
# path of the checkout in each .gch (measured 2026-12-06: the same header precompiled in two
# directories gives files whose sizes differ by the difference in path length, -ffile-prefix-map
# or not), so every file compiled with one misses ccache in any other clone, and a clean-clone CI
# run on a warm developer cache then compiles the sanitizer flavours from scratch. Without a cache
# (a one-off build) CALLBRIEF_PCH=ON saves roughly the header share of each compile.
# The build must work either way (a file that only compiles because the precompiled header
# included something for it is a bug).

option(CALLBRIEF_PCH "Precompile the heavy third-party headers (nlohmann/json, GoogleTest)" OFF)
set(CALLBRIEF_PCH_MIN_SOURCES 3)

# Standard headers nearly every file includes; cheap to add, and they make the .gch reusable.
set(CALLBRIEF_PCH_COMMON <string> <string_view> <vector> <map> <optional> <memory> <functional>
  <chrono> <nlohmann/json.hpp>)

function(callbrief_precompile_target target)
  get_target_property(type ${target} TYPE)
  if(NOT type STREQUAL "STATIC_LIBRARY" AND NOT type STREQUAL "EXECUTABLE")
    return()
  endif()
  get_target_property(sources ${target} SOURCES)
  list(FILTER sources INCLUDE REGEX "\\.cc$")
  list(LENGTH sources count)
  if(count LESS CALLBRIEF_PCH_MIN_SOURCES)
    return()
  endif()
  set(headers ${CALLBRIEF_PCH_COMMON})
  get_target_property(libs ${target} LINK_LIBRARIES)
  if(libs AND "GTest::gtest" IN_LIST libs)
    list(APPEND headers <gtest/gtest.h>)
  endif()
  target_precompile_headers(${target} PRIVATE ${headers})
endfunction()

# Every target defined under `dir` and its subdirectories.
function(callbrief_precompile_headers_under dir)
  if(NOT CALLBRIEF_PCH)
    return()
  endif()
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    callbrief_precompile_target(${target})
  endforeach()
  get_property(subdirectories DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdirectory IN LISTS subdirectories)
    callbrief_precompile_headers_under(${subdirectory})
  endforeach()
endfunction()
