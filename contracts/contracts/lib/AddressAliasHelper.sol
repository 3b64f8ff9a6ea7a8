// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice L1→L2 address aliasing for contract callers (same offset as the OP Stack and Arbitrum).
library AddressAliasHelper {
    uint160 internal constant OFFSET = uint160(0x1111000000000000000000000000000000001111);

    function applyL1ToL2Alias(address _l1Address) internal pure returns (address l2Address_) {
        unchecked {
            l2Address_ = address(uint160(_l1Address) + OFFSET);
        }
    }

    function undoL1ToL2Alias(address _l2Address) internal pure returns (address l1Address_) {
        unchecked {
            l1Address_ = address(uint160(_l2Address) - OFFSET);
        }
    }
}
