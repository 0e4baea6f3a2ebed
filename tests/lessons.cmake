# Lessons (issue 14): the parser and checks without a window (labelled cli, like the other
# app-logic tests in tests/app/), and the Lessons panel's flow with the real windows (gui).
attnviz_add_test(test_lesson_parser SOURCES app/test_lesson_parser.cpp LIBS attnviz::app)
attnviz_add_test(test_lessons_panel SOURCES gui/test_lessons_panel.cpp LIBS attnviz::app)
# The checks of lessons 9 and 10 on hand-made states (no window).
attnviz_add_test(test_lesson_checks SOURCES app/test_lesson_checks.cpp LIBS attnviz::app)
# Lesson 9 from Setup to its last tick with the real lab: it trains the default induction model
# twice (about 40 s, then 60 s with the one-layer comparison, on one core): labelled long.
attnviz_add_test(test_lesson_induction SOURCES gui/test_lesson_induction.cpp LIBS attnviz::app LABELS gui long)
set_tests_properties(test_lesson_induction PROPERTIES TIMEOUT 2400)
