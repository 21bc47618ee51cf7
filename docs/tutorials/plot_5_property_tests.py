"""
Property tests of a representation
==================================

``symgroup.strategies`` draws a world's states, group elements and moves for hypothesis;
``symgroup.testing``'s assert helpers check the definitions on them and fail with a counterexample.
``examples/test_representation_properties.py`` is a pytest file of such tests for an encoder that
reads the grid world's images:

.. literalinclude:: ../../../examples/test_representation_properties.py
   :start-at: @given(env_transitions(WORLD))

Here the same tests are called directly (pytest calls them the same way); the last one shows the
helpers catching a code that is not disentangled.
"""

import test_representation_properties as properties

for name in dir(properties):
    if name.startswith("test_"):
        getattr(properties, name)()
        print("passed:", name)
