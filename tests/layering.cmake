# The build refuses what docs/architecture.md forbids. Two probes that must fail to compile (built on
# demand by ctest, never by `all`), and a scan of every core file's includes.
add_library(layering_probe_nn OBJECT EXCLUDE_FROM_ALL layering/nn_includes_model.cpp)
target_link_libraries(layering_probe_nn PRIVATE attnviz::nn)
add_test(NAME layering_nn_refuses_model_include
         COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target layering_probe_nn)
# Passes only on the compiler's "not found" for that very header: any other failure is a failure.
set_tests_properties(layering_nn_refuses_model_include PROPERTIES
  PASS_REGULAR_EXPRESSION "attnviz/core/seq2seq/model\\.hpp: No such file")

add_library(layering_probe_core OBJECT EXCLUDE_FROM_ALL layering/core_includes_qt.cpp)
target_link_libraries(layering_probe_core PRIVATE attnviz::core)
add_test(NAME layering_core_refuses_qt
         COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target layering_probe_core)
set_tests_properties(layering_core_refuses_qt PROPERTIES PASS_REGULAR_EXPRESSION "QString: No such file")

add_test(NAME layering_core_includes
         COMMAND ${CMAKE_COMMAND} -DROOT=${PROJECT_SOURCE_DIR} -P ${CMAKE_CURRENT_SOURCE_DIR}/layering/check_includes.cmake)
