import sys

from kaigo_xl.commands import main

sys.exit(main())
