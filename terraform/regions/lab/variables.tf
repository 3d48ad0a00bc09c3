# The lab root takes no inputs: every value it passes to modules/region is fixed in main.tf.
