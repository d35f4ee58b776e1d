// Declare vSphere VM Service virtual machines (VM Operator on a vSphere Supervisor) and the vCenter admin objects behind them.
package vmservice
