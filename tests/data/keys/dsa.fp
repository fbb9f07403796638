1024 SHA256:9ShaknZJ0d2I0Qf9/r3drHdKbU5+2Td95KKMTauiHc8 dsa@fixture (DSA)
1024 MD5:42:d8:7f:78:64:55:99:4b:90:67:67:5c:7a:60:a9:75 dsa@fixture (DSA)
