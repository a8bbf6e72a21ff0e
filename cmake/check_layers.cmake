# Fails the build when a file under src/ includes a header of a component it may not depend on:
# dependencies point down (docs/architecture.md, "Dependency direction"). Run by the build as
#   cmake -DSOURCE_DIR=<repo>/src -DSTAMP=<file> -P check_layers.cmake
# A component may include its own headers and those of the components listed for it below.
# Nobody may include another component's internal/ headers. Unit tests (*_test.cc) and a
# component's test support files (test_support.*, fixtures.*: compiled into its tests only) may
# also include the shared test library (`testing`).

cmake_minimum_required(VERSION 3.25)  # IN_LIST and other current policies in script mode

# callbrief_bitrix_events: what the HTTP server may know of Bitrix24 (parsing what it posts).
set(bitrix_events_files event crm_links json_fields stored_call)

set(allowed_core "")
set(allowed_net core)
set(allowed_store analytics core)
set(allowed_analytics core)
set(allowed_privacy core)
set(allowed_audio core)
set(allowed_bitrix_events core)
set(allowed_bitrix bitrix_events net core)
set(allowed_openai net core)
set(allowed_asr openai net core)
set(allowed_llm openai net core)
set(allowed_notify bitrix bitrix_events net core)
set(allowed_pipeline analytics privacy audio asr llm notify bitrix bitrix_events store net core)
set(allowed_http analytics bitrix_events store core)
set(allowed_testing store net core)
set(allowed_app http pipeline analytics privacy audio asr llm notify openai bitrix bitrix_events store net core)

# component_of(<path relative to src/> <out var>)
function(component_of path out)
  string(REGEX MATCH "^[a-z_]+" component "${path}")
  foreach(name IN LISTS bitrix_events_files)
    if(path MATCHES "^bitrix/${name}\\.(h|cc)$")
      set(component bitrix_events)
    endif()
  endforeach()
  set(${out} ${component} PARENT_SCOPE)
endfunction()

get_filename_component(SOURCE_DIR "${SOURCE_DIR}" ABSOLUTE)
file(GLOB_RECURSE files RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/*.cc ${SOURCE_DIR}/*.h)
if(NOT files)
  message(FATAL_ERROR "check_layers: no sources under '${SOURCE_DIR}'")
endif()
set(violations "")
foreach(file IN LISTS files)
  component_of(${file} component)
  if(NOT DEFINED allowed_${component})
    string(APPEND violations "\n  src/${file}: component '${component}' has no entry in cmake/check_layers.cmake")
    continue()
  endif()
  set(allowed ${allowed_${component}})
  if(file MATCHES "(_test\\.cc|/test_support\\.(h|cc)|/fixtures\\.(h|cc))$")
    list(APPEND allowed testing)
  endif()
  file(STRINGS ${SOURCE_DIR}/${file} includes REGEX "^#include \"[a-z_]+/")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^#include \"([^\"]+)\".*" "\\1" header "${line}")
    component_of(${header} dependency)
    if(dependency STREQUAL component)
      continue()
    endif()
    string(REGEX MATCH "^[a-z_]+" header_folder "${header}")
    string(REGEX MATCH "^[a-z_]+" file_folder "${file}")
    if(header MATCHES "^[a-z_]+/internal/" AND NOT header_folder STREQUAL file_folder)
      string(APPEND violations "\n  src/${file}: includes ${header}, another component's internals")
    elseif(NOT dependency IN_LIST allowed)
      string(APPEND violations "\n  src/${file}: ${component} may not depend on ${dependency} (${header})")
    endif()
  endforeach()
endforeach()

if(violations)
  message(FATAL_ERROR "Dependencies must point down (docs/architecture.md):${violations}\n"
    "Move the code to the component that owns it, or pass it in through an interface.")
endif()
file(WRITE ${STAMP} "ok\n")
