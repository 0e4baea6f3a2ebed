# SPDX-License-Identifier: GPL-3.0-or-later
# cmake -DROOT=<source dir> -P check_includes.cmake
# The layering rules of docs/architecture.md, read off the sources:
#   - no file under core/ includes a Qt header;
#   - no file under core/nn/ includes a header of another core target but base (a model, the
#     playground's variants, files, inspection);
#   - no file under core/ includes a header from widgets/ or app/.
set(errors "")
file(GLOB_RECURSE core_files "${ROOT}/core/*.hpp" "${ROOT}/core/*.cpp" "${ROOT}/core/*.h")
foreach(f IN LISTS core_files)
  file(STRINGS "${f}" lines REGEX "^[ \t]*#[ \t]*include")
  file(RELATIVE_PATH rel "${ROOT}" "${f}")
  foreach(line IN LISTS lines)
    if(line MATCHES "<Q[A-Za-z]*>|<Qt[A-Za-z]*/|\"Q[A-Z][A-Za-z]*\"")
      string(APPEND errors "${rel}: includes Qt: ${line}\n")
    endif()
    if(line MATCHES "attnviz/(widgets|app|gui)/")
      string(APPEND errors "${rel}: includes the GUI: ${line}\n")
    endif()
    if(rel MATCHES "^core/nn/" AND line MATCHES "attnviz/core/[a-z0-9_]+/" AND NOT line MATCHES "attnviz/core/nn/")
      string(APPEND errors "${rel}: the layer kit includes another target: ${line}\n")
    endif()
    if(rel MATCHES "^core/nn/" AND line MATCHES "attnviz/core/(attention|parameters|session|mask|softmax)\\.hpp")
      string(APPEND errors "${rel}: the layer kit includes the playground: ${line}\n")
    endif()
  endforeach()
endforeach()
if(errors)
  message(FATAL_ERROR "Layering rules broken (docs/architecture.md):\n${errors}")
endif()
list(LENGTH core_files n)
message(STATUS "layering: ${n} core files checked")
