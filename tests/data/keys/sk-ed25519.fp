256 SHA256:Qio5PF8OF8H5nFNwkezDZqoTz98Dri4cC2S5gbxmCZg sk@fixture (ED25519-SK)
256 MD5:c1:7a:5b:83:27:c7:0d:db:3d:3f:ff:9f:ec:81:4c:65 sk@fixture (ED25519-SK)
