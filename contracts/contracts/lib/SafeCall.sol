// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Low-level calls that neither copy return data (no return bomb) nor run with less gas than asked.
library SafeCall {
    /// @notice True when at least `_minGas` can still reach the callee after the 63/64 rule and call overhead.
    function hasMinGas(uint256 _minGas, uint256 _reservedGas) internal view returns (bool) {
        return gasleft() * 63 >= _minGas * 64 + 63 * (_reservedGas + 40_000);
    }

    /// @notice Calls `_target` with all remaining gas, reverting first if that is less than `_minGas`.
    function callWithMinGas(address _target, uint256 _minGas, uint256 _value, bytes memory _calldata)
        internal
        returns (bool success_)
    {
        // A value transfer costs 9,000 more gas (6,700 net after the stipend) than a plain call.
        if (!hasMinGas(_minGas, _value == 0 ? 0 : 6_700)) revert("SafeCall: Not enough gas");
        assembly {
            success_ := call(gas(), _target, _value, add(_calldata, 32), mload(_calldata), 0, 0)
        }
    }
}
