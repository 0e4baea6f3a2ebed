# Lessons (issue 14): the parser and checks without a window (labelled cli, like the other
# app-logic tests in tests/app/), and the Lessons panel's flow with the real windows (gui).
attnviz_add_test(test_lesson_parser SOURCES app/test_lesson_parser.cpp LIBS attnviz::app)
attnviz_add_test(test_lessons_panel SOURCES gui/test_lessons_panel.cpp LIBS attnviz::app)
