# The Lessons (issue 14): lessons as data (resources/lessons/*.lesson), their parser and check
# evaluator (plain C++), the values the windows publish, and the Lessons panel.
target_sources(attnviz_app PRIVATE
  lessons/lesson.hpp
  lessons/vocabulary.hpp        lessons/vocabulary.cpp
  lessons/condition.hpp         lessons/condition.cpp
  lessons/lesson_parser.hpp     lessons/lesson_parser.cpp
  lessons/lesson_library.hpp    lessons/lesson_library.cpp
  lessons/lesson_state.hpp      lessons/lesson_state.cpp
  lessons/publish.hpp           lessons/publish.cpp
  lessons/publish_model.hpp     lessons/publish_model.cpp
  lessons/builtin_models.hpp    lessons/builtin_models.cpp
  lessons/lesson_text.hpp       lessons/lesson_text.cpp
  lessons/lesson_actions.hpp    lessons/lesson_actions.cpp  lessons/lesson_actions_windows.cpp
  lessons/lessons_panel.hpp     lessons/lessons_panel.cpp
  lessons/lesson_screenshot.cpp
)
# Every lesson file is embedded: adding a lesson is adding its file (CMake re-globs on build).
file(GLOB ATTNVIZ_LESSON_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/resources/lessons/*.lesson)
qt_add_resources(attnviz_app attnviz_lessons
  PREFIX "/"
  BASE ${PROJECT_SOURCE_DIR}/resources
  FILES ${ATTNVIZ_LESSON_FILES}
)
# The lab's trained induction model (2 layers × 2 heads, `attnviz train-transformer --task
# induction --save`), shipped so that lesson 10 needs no download: Setup copies it to the data
# folder (builtin_models.hpp) and opens it in the model window.
qt_add_resources(attnviz_app attnviz_lesson_models
  PREFIX "/"
  BASE ${PROJECT_SOURCE_DIR}/resources
  FILES
    ${PROJECT_SOURCE_DIR}/resources/models/induction-2l/config.json
    ${PROJECT_SOURCE_DIR}/resources/models/induction-2l/model.safetensors
    ${PROJECT_SOURCE_DIR}/resources/models/induction-2l/tokenizer.json
)
