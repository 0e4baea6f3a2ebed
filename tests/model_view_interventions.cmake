# Issue 13 in the model window: the ablation and logit-lens docks.
attnviz_add_test(test_model_ablation_lens SOURCES gui/test_model_ablation_lens.cpp LIBS attnviz::app)
