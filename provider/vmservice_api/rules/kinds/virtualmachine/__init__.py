from vmservice_api.rules.kinds.virtualmachine import validation as validation
