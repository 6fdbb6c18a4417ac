"""Azure rules, one module per service, over `azure-native:*` type tokens (`tokens.py`, pulumi-azure-native
v3).

The rules import no SDK. The input names are the wire names pulumi-azure-native sends (the ARM API's
camelCase, which is not always the snake_case name camelCased: `diskEncryptionSetID`,
`apiServerAccessProfile.authorizedIPRanges`); tests/policies/test_shipped_stacks.py resolves every path
read here through the installed SDK's input types."""
